using Bogus;
using Simulator.Core.Randomness;

namespace Simulator.Core.World;

/// <summary>A user's readable identity for reports and exports; the numbers live in <see cref="Population"/>.</summary>
public sealed record UserProfile(int User, string Name, string Locale, string Segment);

/// <summary>
/// Readable profiles from Bogus, generated on demand for the users a report or export shows,
/// never for the whole million-row population up front. Each profile depends only on
/// (seed, user): the locale is a keyed draw and Bogus is reseeded per user, so a profile never
/// depends on which other users were generated before it or on which thread asked.
/// </summary>
public static class UserProfiles
{
    /// <summary>Locales drawn uniformly; all ship with Bogus.</summary>
    public static readonly IReadOnlyList<string> Locales =
        ["en_US", "en_GB", "de", "fr", "es", "it", "nl", "sv", "pl", "pt_BR", "ja", "ko"];

    // Building a Faker loads its locale tables (milliseconds), so each thread keeps one per locale.
    [ThreadStatic]
    private static Dictionary<string, Faker>? _fakers;

    /// <summary>The profile of <paramref name="user"/> under <paramref name="seed"/>; <paramref name="segment"/> is the user's archetype name.</summary>
    public static UserProfile For(ulong seed, int user, string segment)
    {
        var locale = Locales[(int)(KeyedRandom.Uniform(seed, RandomStreams.Profile, (uint)user, 0, 0) * Locales.Count) % Locales.Count];
        _fakers ??= [];
        if (!_fakers.TryGetValue(locale, out var faker))
        {
            faker = new Faker(locale);
            _fakers[locale] = faker;
        }

        var nameSeed = (int)(KeyedRandom.Uniform(seed, RandomStreams.Profile, (uint)user, 0, 1) * int.MaxValue);
        faker.Random = new Randomizer(nameSeed);
        return new UserProfile(user, faker.Name.FullName(), locale, segment);
    }
}

using Simulator.Core.World;
using Xunit;

namespace Simulator.Tests.Core.World;

public sealed class UserProfileTests
{
    [Fact]
    public void Profiles_depend_only_on_seed_and_user()
    {
        var forward = Enumerable.Range(0, 50).Select(u => UserProfiles.For(7, u, "loyal")).ToArray();
        var backward = Enumerable.Range(0, 50).Reverse().Select(u => UserProfiles.For(7, u, "loyal")).Reverse().ToArray();
        var threaded = new UserProfile[50];
        Parallel.For(0, 50, u => threaded[u] = UserProfiles.For(7, u, "loyal"));

        Assert.Equal(forward, backward);
        Assert.Equal(forward, threaded);
        Assert.All(forward, p => Assert.False(string.IsNullOrWhiteSpace(p.Name)));
        Assert.All(forward, p => Assert.Contains(p.Locale, UserProfiles.Locales));
    }

    [Fact]
    public void Profiles_vary_across_users_and_seeds()
    {
        var names = Enumerable.Range(0, 200).Select(u => UserProfiles.For(7, u, "explorer").Name).ToHashSet();
        var locales = Enumerable.Range(0, 200).Select(u => UserProfiles.For(7, u, "explorer").Locale).ToHashSet();

        Assert.True(names.Count > 150, $"only {names.Count} distinct names in 200 users");
        Assert.True(locales.Count >= 8, $"only {locales.Count} locales in 200 users");
        Assert.NotEqual(UserProfiles.For(7, 3, "x").Name, UserProfiles.For(8, 3, "x").Name);
    }
}

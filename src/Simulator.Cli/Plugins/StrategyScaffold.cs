using System.Security;
using Simulator.Core.Strategies;

namespace Simulator.Cli.Plugins;

/// <summary>
/// The files of a new strategy plugin (`simulator new-strategy`): a solution with the plugin
/// project (a decayed-history ranker), its xunit tests, and a scenario that runs it beside the
/// built-ins. The projects reference the Simulator.Core.dll of the simulator that wrote them
/// (not copied into the plugin's output: the host's copy is the one loaded), so they build from a
/// fresh clone with nothing but NuGet.
/// </summary>
internal static class StrategyScaffold
{
    /// <summary>Relative path -> text of every file, for plugin <paramref name="name"/> built against <paramref name="coreDll"/>.</summary>
    public static IReadOnlyDictionary<string, string> Files(string name, string coreDll)
    {
        var strategy = name.ToLowerInvariant();
        var core = SecurityElement.Escape(coreDll);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [$"{name}.slnx"] = $"""
                <Solution>
                  <Project Path="src/{name}.csproj" />
                  <Project Path="tests/{name}.Tests.csproj" />
                </Solution>

                """,
            ["Directory.Build.props"] = $"""
                <Project>
                  <!-- Shared by the plugin and its tests. SimulatorCore is the simulator's own
                       Simulator.Core.dll: the plugin compiles against it and the simulator loads
                       the plugin beside that very copy (so it is never copied into bin/). -->
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <Nullable>enable</Nullable>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                    <SimulatorCore>{core}</SimulatorCore>
                  </PropertyGroup>
                </Project>

                """,
            ["Directory.Packages.props"] = """
                <Project>
                  <!-- Versions stay in the test project: this folder does not inherit a parent's central package management. -->
                  <PropertyGroup>
                    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                  </PropertyGroup>
                </Project>

                """,
            [$"src/{name}.csproj"] = $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <!-- The plugin: bin/{name}.dll whatever the configuration, which the scenario names. -->
                  <PropertyGroup>
                    <AssemblyName>{name}</AssemblyName>
                    <RootNamespace>{name}</RootNamespace>
                    <EnableDynamicLoading>true</EnableDynamicLoading>
                    <OutputPath>bin/</OutputPath>
                    <AppendTargetFrameworkToOutputPath>false</AppendTargetFrameworkToOutputPath>
                  </PropertyGroup>
                  <ItemGroup>
                    <Reference Include="Simulator.Core">
                      <HintPath>$(SimulatorCore)</HintPath>
                      <Private>false</Private>
                    </Reference>
                  </ItemGroup>
                </Project>

                """,
            [$"src/DecayedHistory.cs"] = Strategy(name),
            [$"tests/{name}.Tests.csproj"] = $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <IsPackable>false</IsPackable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
                    <PackageReference Include="xunit" Version="2.9.3" />
                    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
                    <PackageReference Include="MathNet.Numerics" Version="5.0.0" />
                    <PackageReference Include="Bogus" Version="35.6.5" />
                  </ItemGroup>
                  <ItemGroup>
                    <ProjectReference Include="../src/{name}.csproj" />
                    <Reference Include="Simulator.Core">
                      <HintPath>$(SimulatorCore)</HintPath>
                    </Reference>
                  </ItemGroup>
                </Project>

                """,
            ["tests/DecayedHistoryTests.cs"] = Tests(name),
            ["scenario.json"] = $$"""
                {
                  // Your plugin beside the built-in it re-implements (decay-history) and the floor (random).
                  // Build first (dotnet build), then: simulator run scenario.json
                  "name": "{{strategy}}",
                  "description": "the {{name}} plugin (a decayed-history ranker) against random and the built-in decay-history",
                  "seed": 42,
                  "seeds": 3,
                  "ticks": 40,
                  "slateSize": 10,
                  "population": { "users": 2000, "topics": 16, "activity": 0.8 },
                  "catalog": { "items": 400 },
                  "drift": { "kind": "abrupt", "rate": 0.02, "events": [20] },
                  "strategies": [
                    "random",
                    "decay-history",
                    { "name": "{{strategy}}", "plugin": "src/bin/{{name}}.dll", "type": "{{name}}.DecayedHistory", "decay": 0.8 }
                  ],
                  "reference": "random"
                }

                """,
            ["README.md"] = $"""
                # {name}: a strategy plugin for the simulator

                `src/DecayedHistory.cs` is a working strategy (a decayed-history ranker: h <- gamma h
                every tick the user is active, h <- h + x on a click, slate = top-k of <h, x> over the
                live items). Change it into your own; the rules a strategy follows are in the
                simulator's docs/strategies.md.

                ```bash
                dotnet build                       # the plugin (src/bin/{name}.dll) and its tests
                dotnet test                        # the tests in tests/
                simulator run scenario.json        # the plugin beside random and decay-history
                simulator list strategies --plugin src/bin/{name}.dll
                ```

                As written, the plugin is the built-in `decay-history` again, so its row in the run's
                summary equals that one (a paired difference of exactly 0): the same keyed cold start,
                the same scores. Anything you change shows up as a difference against it.

                """,
        };
    }

    private static string Strategy(string name) => $$"""
        using Simulator.Core.Checkpoints;
        using Simulator.Core.Compute;
        using Simulator.Core.Randomness;
        using Simulator.Core.Scenarios;
        using Simulator.Core.Strategies;

        namespace {{name}};

        /// <summary>
        /// A decayed-history ranker. Per user a vector h = sum over past clicks of gamma^(active ticks
        /// since the click) x_item. Every tick the user is active: h &lt;- gamma h, then h &lt;- h + x_i
        /// on a click of item i. The slate is the top-k of &lt;h, x&gt; over the live items, through the
        /// engine's ScoreTopK. What it reads: the catalog's item vectors, what it showed, what was
        /// clicked; never <see cref="RecommendContext.Truth"/>.
        /// </summary>
        public sealed class DecayedHistory : IStrategy
        {
            private readonly StrategyContext _context;
            private readonly float _decay;
            private readonly IColumn<float> _history;
            private readonly IColumn<float> _scores;

            /// <summary>The simulator calls this constructor: the run's sizes and catalog, and this entry's parameters.</summary>
            public DecayedHistory(StrategyContext context, StrategySpec spec)
            {
                _context = context;
                _decay = (float)spec["decay"];
                _history = context.Engine.Bind(new float[context.Users * context.Dim]);
                _scores = context.Engine.Bind(new float[context.Users * context.K]);

                // Cold start: a small keyed-noise vector per user, a pure function of (seed, user, topic),
                // so every run and thread count gives the same start.
                var d = context.Dim;
                for (var u = 0; u < context.Users; u++)
                {
                    for (var g = 0; g < d; g++)
                    {
                        var z = KeyedRandom.Normal(context.Seed, RandomStreams.StrategyColdStart, (uint)(context.Shards.FirstUser + u), 0, (uint)g);
                        _history.Host[(u * d) + g] = 0.01f * (1f / d) * (1f + (0.1f * z));
                    }
                }
            }

            /// <summary>The parameters a scenario may set, validated like a built-in's.</summary>
            public static IReadOnlyList<StrategyParameter> Parameters { get; } =
            [
                new("decay", 0.8, 0.0, 1.0, "gamma: per-active-tick decay of the history vector"),
            ];

            /// <summary>One line for `simulator list strategies --plugin`.</summary>
            public static string Description => "decayed-history ranker: h <- gamma h each active tick, h <- h + x on a click; top-k of <h, x>";

            public string Name => "{{name.ToLowerInvariant()}}";

            /// <summary>The history vectors [users x dim], row-major (for tests and curiosity).</summary>
            public float[] History => _history.Host;

            public void Recommend(RecommendContext context)
            {
                _history.Upload();
                _context.Engine.ScoreTopK(new ScoreTopKOperands(
                    _context.Users, _context.Catalog.LiveCount, _context.Dim, _context.K, _history, _context.Catalog.Items, null, context.Slates, _scores));
                context.Slates.Download();
            }

            public void Learn(FeedbackContext context)
            {
                var d = _context.Dim;
                var k = _context.K;
                var items = _context.Catalog.Items.Host;
                var history = _history.Host;
                var gamma = _decay;

                // Users are independent: any split over threads gives the same bytes.
                _context.Shards.ForEach(_context.Parallel, (start, end) =>
                {
                    for (var u = start; u < end; u++)
                    {
                        if (context.Active[u] == 0)
                        {
                            continue;
                        }

                        var h = history.AsSpan(u * d, d);
                        for (var g = 0; g < d; g++)
                        {
                            h[g] *= gamma;
                        }

                        var position = context.ChosenPosition[u];
                        if (position >= 0)
                        {
                            var x = items.AsSpan(context.Slates[(u * k) + position] * d, d);
                            for (var g = 0; g < d; g++)
                            {
                                h[g] += x[g];
                            }
                        }
                    }
                });
            }

            /// <summary>Everything learned goes through here, so a run resumed from a checkpoint continues exactly.</summary>
            public void ExchangeState(StateExchange state) => state.Column("history", _history);

            public void Dispose()
            {
                _history.Dispose();
                _scores.Dispose();
            }
        }

        """;

    private static string Tests(string name) => $$""""
        using Simulator.Core.Compute;
        using Simulator.Core.Scenarios;
        using Simulator.Core.Strategies;
        using Simulator.Core.World;
        using Xunit;

        namespace {{name}}.Tests;

        public sealed class DecayedHistoryTests
        {
            private const int Users = 50;

            private static (DecayedHistory Strategy, StrategyContext Context) Build(IComputeEngine engine, double decay = 0.8)
            {
                var scenario = ScenarioParser.Parse("""{ "population": { "users": 50, "topics": 8 }, "catalog": { "items": 40 }, "slateSize": 5 }""", "test");
                var catalog = new Catalog(engine, scenario.Catalog, scenario.Dim, 7);
                var context = new StrategyContext(Users, scenario.Dim, scenario.SlateSize, catalog, engine, 7, new ShardLayout(Users, 4), new ParallelOptions());
                var spec = new StrategySpec("{{name.ToLowerInvariant()}}", new Dictionary<string, double> { ["decay"] = decay });
                return (new DecayedHistory(context, spec), context);
            }

            [Fact]
            public void Every_slate_holds_k_distinct_live_items()
            {
                using var engine = new CpuEngine(2);
                var (strategy, context) = Build(engine);
                using var slates = engine.Bind(new int[Users * context.K]);
                var active = Enumerable.Repeat((byte)1, Users).ToArray();
                strategy.Recommend(new RecommendContext(0, active, slates, null!));
                for (var u = 0; u < Users; u++)
                {
                    var slate = slates.Host.AsSpan(u * context.K, context.K).ToArray();
                    Assert.Equal(context.K, slate.Distinct().Count());
                    Assert.All(slate, item => Assert.InRange(item, 0, context.Catalog.LiveCount - 1));
                }
            }

            [Fact]
            public void A_click_decays_the_history_and_adds_the_clicked_item()
            {
                using var engine = new CpuEngine(2);
                var (strategy, context) = Build(engine, decay: 0.5);
                var d = context.Dim;
                var before = strategy.History.AsSpan(0, d).ToArray();
                var slates = new int[Users * context.K];
                slates[0] = 3;
                var chosen = Enumerable.Repeat(-1, Users).ToArray();
                chosen[0] = 0;
                var active = new byte[Users];
                active[0] = 1;
                strategy.Learn(new FeedbackContext(0, active, slates, chosen, new float[Users]));
                for (var g = 0; g < d; g++)
                {
                    Assert.Equal((0.5f * before[g]) + context.Catalog.Items.Host[(3 * d) + g], strategy.History[g], 5);
                }

                // An inactive user's history stays as it was.
                Assert.Equal(before.Length, strategy.History.AsSpan(d, d).Length);
            }
        }

        """";

    /// <summary>A plugin name: a C# identifier (it names the assembly, the namespace and the folder).</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>The Simulator.Core.dll this simulator runs with (the one a plugin must be built against).</summary>
    public static string CoreAssemblyPath => typeof(IStrategy).Assembly.Location;
}

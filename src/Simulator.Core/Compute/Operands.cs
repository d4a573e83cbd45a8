using Simulator.Core.Compute.Operators;

namespace Simulator.Core.Compute;

/// <summary>
/// Forgetting of true interest for a batch of users. For every user u and topic g:
/// strength = baseline + (peak[u,g] - baseline) R(dt), dt = (tick - lastEngaged[u,g]) * tickLength,
/// with R the curve and per-user parameters curveP1[u], curveP2[u];
/// output[u,g] = preference[u,g] * strength when <see cref="Preference"/> is set, else strength.
/// Layout: all N x d columns row-major per user.
/// </summary>
public readonly record struct DecayOperands(
    int Users,
    int Dim,
    ForgettingCurve Curve,
    IColumn<float> Peak,
    IColumn<int> LastEngaged,
    IColumn<float> CurveP1,
    IColumn<float> CurveP2,
    IColumn<float>? Preference,
    IColumn<float> Output,
    float Baseline,
    int Tick,
    float TickLength);

/// <summary>One dense layer: y = act(x W + b), W row-major [In x Out] (input-major), b [Out].</summary>
public sealed record MlpLayer(IColumn<float> Weights, IColumn<float> Bias, int In, int Out, Activation Activation);

/// <summary>MLP forward over a batch: Input [Users x layers[0].In] -> Output [Users x layers[^1].Out].</summary>
public readonly record struct MlpOperands(
    int Users,
    IReadOnlyList<MlpLayer> Layers,
    IColumn<float> Input,
    IColumn<float> Output);

/// <summary>
/// Fused score and top-k: score[u,i] = sum_g UserVectors[u,g] Items[i,g] + ItemBias[i];
/// writes the K best items per user into TopItems/TopScores [Users x K], best first,
/// ties broken by the smaller item index. Never materialises the Users x Items score matrix.
/// </summary>
public readonly record struct ScoreTopKOperands(
    int Users,
    int ItemCount,
    int Dim,
    int K,
    IColumn<float> UserVectors,
    IColumn<float> Items,
    IColumn<float>? ItemBias,
    IColumn<int> TopItems,
    IColumn<float> TopScores);

/// <summary>
/// The ground-truth response to slates (see <see cref="ChoiceMath.RespondUser"/>):
/// Interest [Users x Dim], Slates [Users x K]; outputs ChosenPosition [Users] (-1 = no click),
/// ExpectedCtr [Users], Probabilities [Users x K], Dwell [Users].
/// Users with Active[u] == 0 (when Active is set) do not respond: position -1, zeros elsewhere.
/// Row u is global user FirstUser + u: its noise is keyed by that index, so a shard of the
/// population draws what the whole population draws for the same users.
/// </summary>
public readonly record struct ChoiceOperands(
    int Users,
    int ItemCount,
    int Dim,
    int K,
    IColumn<float> Interest,
    IColumn<int> Slates,
    IColumn<float> Items,
    IColumn<float> Quality,
    IColumn<byte>? Active,
    ChoiceParameters Parameters,
    ulong Seed,
    int Tick,
    IColumn<int> ChosenPosition,
    IColumn<float> ExpectedCtr,
    IColumn<float> Probabilities,
    IColumn<float> Dwell,
    int FirstUser = 0);

/// <summary>
/// Reinforcement on consumption: for every user with a click on item i, topic g = ItemTopic[i]:
/// peak[u,g] = w + eta (1 - w) with w the current strength, and lastEngaged[u,g] = tick.
/// </summary>
public readonly record struct ReinforceOperands(
    int Users,
    int Dim,
    int K,
    ForgettingCurve Curve,
    IColumn<float> Peak,
    IColumn<int> LastEngaged,
    IColumn<float> CurveP1,
    IColumn<float> CurveP2,
    IColumn<int> Slates,
    IColumn<int> ChosenPosition,
    IColumn<int> ItemTopic,
    float Baseline,
    float Eta,
    int Tick,
    float TickLength);

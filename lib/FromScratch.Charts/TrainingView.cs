using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace FromScratch.Charts;

/// <summary>
/// A live view of a training run for a notebook: a progress bar (iteration i / N, elapsed time, latest loss and train/test
/// accuracy) above a chart of the loss and the accuracies so far. Feed it the trainers' callbacks and redraw one output
/// in place on <see cref="Redraw"/>, which fires at most every <see cref="TrainingProgress.RefreshInterval"/> (0.5 s) plus at
/// every epoch and at the end, so redrawing costs the loop little:
/// <code>
/// var view = new TrainingView(options.Iterations, "Training");
/// var shown = KernelInvocationContext.Current.Display(view);   // one output …
/// view.Redraw += () =&gt; shown.Update(view);                     // … replaced in place while training runs
/// FastTrainer.Train(net, data, options, view.OnEpoch, view.OnStep);
/// </code>
/// A notebook shows it as HTML (<see cref="ToHtml"/>) and as text (<see cref="ToString"/>), see <see cref="NotebookFormatterSource"/>.
/// Outside a notebook use <c>ConsoleProgress</c> (the console trainer's) on a <see cref="TrainingProgress"/>.
/// </summary>
[TypeFormatterSource(typeof(NotebookFormatterSource), PreferredMimeTypes = [NotebookFormatter.Html, NotebookFormatter.PlainText])]
public sealed class TrainingView : IHtmlOutput
{
    /// <param name="iterations">How many iterations the training runs (<see cref="TrainingOptions.Iterations"/>).</param>
    /// <param name="title">A heading above the bar.</param>
    /// <param name="refreshInterval">The least time between two redraws while steps go by; 0.5 s when omitted.</param>
    /// <param name="time">The clock; the system clock when omitted (tests pass a fake one).</param>
    public TrainingView(int iterations, string? title = null, TimeSpan? refreshInterval = null, TimeProvider? time = null)
    {
        Progress = new TrainingProgress(iterations, refreshInterval, time);
        Title = title ?? "Training (학습)";
        Progress.Refresh += _ => Redraw?.Invoke();
    }

    /// <summary>The numbers behind the view.</summary>
    public TrainingProgress Progress { get; }

    /// <summary>The heading above the bar.</summary>
    public string Title { get; }

    /// <summary>Raised when the view should be redrawn (throttled; see <see cref="TrainingProgress.Refresh"/>).</summary>
    public event Action? Redraw;

    /// <summary>Pass as the trainers' <c>onStep</c>.</summary>
    public void OnStep(int iteration, double loss) => Progress.OnStep(iteration, loss);

    /// <summary>Pass as the trainers' <c>onEpoch</c>.</summary>
    public void OnEpoch(EpochResult epoch) => Progress.OnEpoch(epoch);

    /// <summary>Marks the run as stopped early (e.g. with a <see cref="TrainingDivergedException"/>'s message) and redraws.</summary>
    public void Stop(string reason) => Progress.Stop(reason);

    /// <summary>The loss per iteration (averaged over <see cref="TrainingProgress.LossBucket"/> steps) and the accuracies per epoch, on one chart.</summary>
    public Chart Chart()
    {
        var p = Progress;
        static JsonArray Numbers<TN>(IEnumerable<TN> values) => new(values.Select(v => JsonValue.Create(v) as JsonNode).ToArray());
        string lossName = p.LossBucket == 1 ? "loss (손실)" : $"loss (손실), mean of {p.LossBucket} steps";
        JsonObject Trace(string name, JsonArray x, JsonArray y, string color, string mode, string? axis = null, string? dash = null)
        {
            var trace = new JsonObject
            {
                ["type"] = "scatter", ["mode"] = mode, ["name"] = name, ["x"] = x, ["y"] = y,
                ["line"] = new JsonObject { ["color"] = color, ["width"] = 2 },
            };
            if (axis is not null) trace["yaxis"] = axis;
            if (dash is not null) trace["line"]!["dash"] = dash;
            return trace;
        }
        var figure = new JsonObject
        {
            ["data"] = new JsonArray(
                Trace(lossName, Numbers(p.LossCurve.Select(l => l.Iteration)), Numbers(p.LossCurve.Select(l => l.Loss)), "#d1242f", "lines"),
                Trace("train accuracy", Numbers(p.Epochs.Select(e => e.Iteration)), Numbers(p.Epochs.Select(e => e.TrainAccuracy)), "#0969da", "lines+markers", "y2"),
                Trace("test accuracy", Numbers(p.Epochs.Select(e => e.Iteration)), Numbers(p.Epochs.Select(e => e.TestAccuracy)), "#1a7f37", "lines+markers", "y2", "dot")),
            ["layout"] = new JsonObject
            {
                ["width"] = 720, ["height"] = 340,
                ["margin"] = new JsonObject { ["l"] = 60, ["r"] = 60, ["t"] = 30, ["b"] = 50 },
                ["showlegend"] = true,
                ["legend"] = new JsonObject { ["orientation"] = "h", ["x"] = 0, ["y"] = 1.02, ["yanchor"] = "bottom" },
                ["xaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = "iteration" }, ["range"] = new JsonArray(0, p.Iterations) },
                ["yaxis"] = new JsonObject { ["title"] = new JsonObject { ["text"] = "loss" }, ["rangemode"] = "tozero" },
                ["yaxis2"] = new JsonObject
                {
                    ["title"] = new JsonObject { ["text"] = "accuracy (정확도)" }, ["overlaying"] = "y", ["side"] = "right",
                    ["range"] = new JsonArray(0, 1), ["showgrid"] = false,
                },
            },
            ["config"] = new JsonObject { ["responsive"] = true, ["displaylogo"] = false },
        };
        return new Chart(figure);
    }

    /// <summary>The view as one HTML fragment: title, progress bar, status line, the reason it stopped (if it did), and <see cref="Chart"/>.</summary>
    public string ToHtml()
    {
        var p = Progress;
        var c = CultureInfo.InvariantCulture;
        string state = p.StopReason is not null ? "stopped" : p.IsFinished ? "done" : "running";
        string color = state switch { "stopped" => "#cf222e", "done" => "#1a7f37", _ => "#0969da" };
        string percent = (100 * p.Fraction).ToString("0.0", c);
        var stopped = p.StopReason is { } reason
            ? $"""<div style="color:#cf222e;margin-top:4px">{WebUtility.HtmlEncode(reason)}</div>"""
            : "";
        return $"""
            <div class="fromscratch-training-view" data-state="{state}" data-iteration="{p.Completed}" data-iterations="{p.Iterations}" style="font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:740px">
            <div style="display:flex;justify-content:space-between;font-weight:600"><span>{WebUtility.HtmlEncode(Title)}</span><span>{(p.Fraction * 100).ToString("0", c)}%</span></div>
            <div role="progressbar" aria-valuemin="0" aria-valuemax="{p.Iterations}" aria-valuenow="{p.Completed}" style="background:#eaeef2;border-radius:4px;height:8px;overflow:hidden;margin:4px 0"><div style="width:{percent}%;height:100%;background:{color}"></div></div>
            <div style="font:13px ui-monospace,SFMono-Regular,Menlo,monospace">{WebUtility.HtmlEncode(p.StatusLine())}</div>{stopped}
            {Chart().ToHtml()}
            </div>
            """;
    }

    /// <summary>The title and the status line (the text/plain form of the view).</summary>
    public override string ToString() => $"{Title}: {Progress.StatusLine()}";
}

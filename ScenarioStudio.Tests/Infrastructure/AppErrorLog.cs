using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ScenarioStudio.Tests.Infrastructure;

public sealed record LoggedError(string Category, LogLevel Level, string Message, Exception? Exception)
{
    public override string ToString() =>
        $"{Level} {Category}: {Message}" + (Exception is null ? "" : Environment.NewLine + "    " + Exception.ToString().Replace("\n", "\n    "));
}

/// <summary>
/// A logger provider added to the browser tests' app host: it keeps every error the app logs (an unhandled exception in
/// a circuit, a failed request, a component's own LogError), so a failure that never reaches the page is not lost.
/// </summary>
public sealed class AppErrorLog : ILoggerProvider
{
    private readonly ConcurrentQueue<LoggedError> entries = new();

    /// <summary>What was logged, oldest first.</summary>
    public IReadOnlyList<LoggedError> Entries => [.. entries];

    /// <summary>The entries not on the allow list: each is a failure some test or some page left behind.</summary>
    public IReadOnlyList<LoggedError> Unexpected => Entries.Where(e => !Expected(e)).ToList();

    /// <summary>
    /// Errors the app logs by design while a test provokes them, kept narrow (category, exception type and message) so
    /// an unrelated failure of the same kind still fails the run. The AI provider failures the tests provoke are shown
    /// on the page and not logged.
    /// </summary>
    private static bool Expected(LoggedError e) =>
        // A refusal reaching an HTTP endpoint (a learner asking for a team export, a manager for another creator's
        // scenario analytics): the exception handler answers 403, which the tests assert, and logs every exception it
        // handles at Error level, expected or not.
        e.Category == "Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware"
        && e.Exception is ForbiddenException forbidden && ProvokedRefusals.Contains(forbidden.Message);

    private static readonly string[] ProvokedRefusals =
    [
        "Your role (Learner) may not do this.",
        "Scenario analytics are for the scenario's creator and Admins.",
        "Only the install's Operators may do this.",
    ];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, this);

    public void Dispose() { }

    private sealed class Logger(string category, AppErrorLog log) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        // Errors and critical entries from any category; from Blazor's own categories, a warning that carries an
        // exception too (the circuit reports some failures of a disposed component that way).
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var keep = logLevel >= LogLevel.Error
                || (exception is not null && category.StartsWith("Microsoft.AspNetCore.Components", StringComparison.Ordinal));
            if (keep) log.entries.Enqueue(new LoggedError(category, logLevel, formatter(state, exception), exception));
        }
    }
}

/// <summary>Thrown at fixture disposal. Named so that a runner that shows only the exception's type still says what went wrong.</summary>
public sealed class AppLoggedUnexpectedErrorsException(string message) : Xunit.Sdk.XunitException(message);

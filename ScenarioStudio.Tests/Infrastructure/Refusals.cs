namespace ScenarioStudio.Tests.Infrastructure;

/// <summary>For tests that ask many callers the same question: did the service serve this call, or refuse it?</summary>
public static class Refusals
{
    /// <summary>True when the call completes; false when the service refuses it (forbidden, or, with <paramref name="validationRefuses"/>, invalid).</summary>
    public static async Task<bool> ServedAsync(Func<Task> call, bool validationRefuses = false)
    {
        try
        {
            await call();
            return true;
        }
        catch (ForbiddenException)
        {
            return false;
        }
        catch (ValidationFailedException) when (validationRefuses)
        {
            return false;
        }
    }
}

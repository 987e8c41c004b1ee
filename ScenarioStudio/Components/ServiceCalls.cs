using MudBlazor;

namespace ScenarioStudio.Components;

/// <summary>Runs a service call from a page and turns the refusals services throw into messages the user can act on.</summary>
public static class ServiceCalls
{
    public static async Task<bool> TryAsync(this ISnackbar snackbar, Func<Task> call, string? success = null)
    {
        try
        {
            await call();
            if (success is not null) snackbar.Add(success, Severity.Success);
            return true;
        }
        catch (ValidationFailedException ex)
        {
            snackbar.Add(ex.Message, Severity.Warning);
        }
        catch (ForbiddenException ex)
        {
            snackbar.Add(ex.Message, Severity.Error);
        }
        return false;
    }
}

namespace ScenarioStudio.Notifications;

public static class NotificationExtensions
{
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<NotificationEvents>();
        builder.Services.AddScoped<Notifier>();
        return builder;
    }
}

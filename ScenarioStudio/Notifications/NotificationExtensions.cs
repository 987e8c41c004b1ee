namespace ScenarioStudio.Notifications;

public static class NotificationExtensions
{
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<Notifier>();
        builder.Services.AddScoped<NotificationService>();
        builder.Services.Configure<SmtpOptions>(builder.Configuration.GetSection("Smtp"));
        builder.Services.AddSingleton<NotificationMailQueue>();
        builder.Services.AddHostedService<NotificationMailer>();
        return builder;
    }
}

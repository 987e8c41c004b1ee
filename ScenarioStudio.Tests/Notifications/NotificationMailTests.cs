using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using netDumbster.smtp;
using ScenarioStudio.Notifications;
using ScenarioStudio.Tests.Infrastructure;

namespace ScenarioStudio.Tests.Notifications;

/// <summary>The optional e-mail, against a netDumbster SMTP server on a loopback port started here.</summary>
public sealed class NotificationMailTests : IAsyncLifetime
{
    private readonly SimpleSmtpServer smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithRandomPort().Build();
    private TestDatabase db = default!;
    private TestOrganisation org = default!;

    public async Task InitializeAsync()
    {
        db = new TestDatabase
        {
            ConfigureServices = services => services.Configure<SmtpOptions>(o =>
            {
                o.Host = "127.0.0.1";
                o.Port = smtp.Configuration.Port;
                o.UseTls = false;
                o.From = "ScenarioStudio <studio@example.test>";
                o.AppUrl = "https://studio.example.test/";
            }),
        };
        await db.InitializeAsync();
        org = await db.CreateOrganisationAsync("Acme");
    }

    [Fact]
    public async Task A_notification_arrives_as_a_plain_text_e_mail_after_the_commit()
    {
        var mailer = db.Services.GetServices<IHostedService>().OfType<NotificationMailer>().Single();
        await mailer.StartAsync(CancellationToken.None);
        try
        {
            await using (var scope = db.Services.CreateAsyncScope())
            {
                var notifier = scope.ServiceProvider.GetRequiredService<Notifier>();
                await using var context = await db.OpenUnfilteredAsync();
                notifier.Add(context, org.Id, [org.Reviewer.Id], NotificationKind.ReviewRequested, "Review requested: Refunds",
                    "Casey asks you to review Refunds.", "/scenarios/7");
                // Nothing is sent for a change not yet committed.
                Assert.Equal(0, smtp.ReceivedEmailCount);
                await context.SaveChangesAsync();
                notifier.Announce();
            }

            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (smtp.ReceivedEmailCount == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
            var mail = Assert.Single(smtp.ReceivedEmail);
            Assert.Equal("Review requested: Refunds", mail.Subject);
            Assert.Equal(org.Reviewer.Email, mail.ToAddresses.Single().Address);
            var body = mail.MessageParts[0].BodyData;
            Assert.Contains("Casey asks you to review Refunds.", body);
            Assert.Contains("https://studio.example.test/scenarios/7", body);
        }
        finally
        {
            await mailer.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_failed_send_is_logged_and_the_next_one_still_goes()
    {
        var queue = db.Services.GetRequiredService<NotificationMailQueue>();
        var mailer = db.Services.GetServices<IHostedService>().OfType<NotificationMailer>().Single();
        await mailer.StartAsync(CancellationToken.None);
        try
        {
            // An address the server's parser refuses makes the first send throw; the mailer logs it and goes on.
            await using (var context = await db.OpenUnfilteredAsync())
            {
                var user = await context.Users.FindAsync(org.Learner.Id);
                user!.Email = "not an address";
                await context.SaveChangesAsync();
            }
            queue.Enqueue(new Notification { UserId = org.Learner.Id, Title = "First", Link = "/" });
            queue.Enqueue(new Notification { UserId = org.Admin.Id, Title = "Second", Link = "/" });
            var deadline = DateTime.UtcNow.AddSeconds(15);
            while (smtp.ReceivedEmailCount == 0 && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.Equal("Second", Assert.Single(smtp.ReceivedEmail).Subject);
        }
        finally
        {
            await mailer.StopAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        smtp.Dispose();
        await db.DisposeAsync();
    }
}

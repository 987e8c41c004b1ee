using System.Threading.Channels;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using ScenarioStudio.Data;

namespace ScenarioStudio.Notifications;

/// <summary>The optional notification e-mail (section <c>Smtp</c>); off while <see cref="Host"/> is empty.</summary>
public sealed class SmtpOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 587;
    public string From { get; set; } = "";
    public string UserName { get; set; } = "";
    public string Password { get; set; } = "";
    public bool UseTls { get; set; } = true;
    /// <summary>The app's public address ("https://studio.example.com"), put before each notification's link in the e-mail.</summary>
    public string AppUrl { get; set; } = "";

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);
}

/// <summary>One notification to e-mail: who gets it and what it says.</summary>
public sealed record NotificationMail(string UserId, string Title, string Body, string Link);

/// <summary>
/// Notifications waiting to be e-mailed (singleton). <see cref="Enqueue"/> never blocks and never throws; with SMTP off
/// it drops the message, so nothing piles up.
/// </summary>
public sealed class NotificationMailQueue(IOptions<SmtpOptions> options)
{
    private readonly Channel<NotificationMail> channel = Channel.CreateBounded<NotificationMail>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public bool Enabled => options.Value.Enabled;

    public void Enqueue(Notification n)
    {
        if (Enabled) channel.Writer.TryWrite(new NotificationMail(n.UserId, n.Title, n.Body, n.Link));
    }

    public IAsyncEnumerable<NotificationMail> ReadAllAsync(CancellationToken ct) => channel.Reader.ReadAllAsync(ct);
}

/// <summary>
/// Sends the queued notifications as plain-text e-mails through the configured SMTP server, one connection per message.
/// A failed send is logged and the next message goes on: e-mail is a courtesy, the bell is the record.
/// </summary>
public sealed class NotificationMailer(NotificationMailQueue queue, IOptions<SmtpOptions> options, TenantDb tenantDb, ILogger<NotificationMailer> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!queue.Enabled) return;
        await foreach (var mail in queue.ReadAllAsync(stoppingToken))
        {
            try
            {
                await SendAsync(mail, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                log.LogWarning(ex, "Could not e-mail notification \"{Title}\" to user {UserId}", mail.Title, mail.UserId);
            }
        }
    }

    public async Task SendAsync(NotificationMail mail, CancellationToken ct)
    {
        var smtp = options.Value;
        // A reviewed system read: the recipient's address, for a notification their own organisation's change created.
        string? address;
        await using (var db = await tenantDb.OpenAsSystemAsync(ct))
            address = await db.Users.Where(u => u.Id == mail.UserId && u.IsActive).Select(u => u.Email).SingleOrDefaultAsync(ct);
        if (string.IsNullOrWhiteSpace(address)) return;

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(string.IsNullOrWhiteSpace(smtp.From) ? "scenariostudio@localhost" : smtp.From));
        message.To.Add(MailboxAddress.Parse(address));
        message.Subject = mail.Title;
        var link = string.IsNullOrWhiteSpace(smtp.AppUrl) ? mail.Link : smtp.AppUrl.TrimEnd('/') + mail.Link;
        message.Body = new TextPart("plain") { Text = $"{mail.Body}\n\n{link}\n\n— ScenarioStudio" };

        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.UseTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, ct);
        if (!string.IsNullOrEmpty(smtp.UserName)) await client.AuthenticateAsync(smtp.UserName, smtp.Password, ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
    }
}

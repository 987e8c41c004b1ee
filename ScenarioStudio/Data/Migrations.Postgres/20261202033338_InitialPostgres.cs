using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ScenarioStudio.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class InitialPostgres : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:CollationDefinition:case_insensitive", "und-u-ks-level2,und-u-ks-level2,icu,False")
                .Annotation("Npgsql:PostgresExtension:unaccent", ",,");

            migrationBuilder.CreateTable(
                name: "AiCalls",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AiCalls", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AiSettings",
                columns: table => new
                {
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Provider = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Endpoint = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Model = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ProtectedApiKey = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    MaxTokens = table.Column<int>(type: "integer", nullable: false),
                    DraftMaxTokens = table.Column<int>(type: "integer", nullable: false),
                    TimeoutSeconds = table.Column<int>(type: "integer", nullable: false),
                    UserCallsPerMinute = table.Column<int>(type: "integer", nullable: false),
                    UserCallsPerDay = table.Column<int>(type: "integer", nullable: false),
                    OrganisationCallsPerMinute = table.Column<int>(type: "integer", nullable: false),
                    OrganisationCallsPerDay = table.Column<int>(type: "integer", nullable: false),
                    LastProblem = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    LastProblemAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AiSettings", x => x.OrganisationId);
                });

            migrationBuilder.CreateTable(
                name: "AiUsage",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Month = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    Purpose = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Model = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    PromptTokens = table.Column<int>(type: "integer", nullable: false),
                    CompletionTokens = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AiUsage", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AuditEntries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ActorId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ActorName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Action = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    SubjectKind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    SubjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SubjectName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Summary = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Changes = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuditEntries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Categories",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false, collation: "case_insensitive"),
                    Colour = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    IsArchived = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Categories", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CriterionTotals",
                columns: table => new
                {
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    Criterion = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Total = table.Column<long>(type: "bigint", nullable: false),
                    Samples = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CriterionTotals", x => new { x.OrganisationId, x.UserId, x.Criterion });
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ExperimentCriterionTotals",
                columns: table => new
                {
                    ExperimentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Variant = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: false),
                    Criterion = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Total = table.Column<long>(type: "bigint", nullable: false),
                    Samples = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExperimentCriterionTotals", x => new { x.ExperimentId, x.Variant, x.Criterion });
                });

            migrationBuilder.CreateTable(
                name: "Invitations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CreatedById = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AcceptedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AcceptedById = table.Column<string>(type: "text", nullable: true),
                    RevokedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Invitations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Notifications",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Link = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReadAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Notifications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Organisations",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    PrimaryColour = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    Logo = table.Column<byte[]>(type: "bytea", nullable: true),
                    LogoContentType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    LogoVersion = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AllowSelfApproval = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Organisations", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PersonaAvatars",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false),
                    ContentType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Width = table.Column<int>(type: "integer", nullable: false),
                    Height = table.Column<int>(type: "integer", nullable: false),
                    CreatedById = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PersonaAvatars", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "PracticeSessions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    ScenarioId = table.Column<int>(type: "integer", nullable: false),
                    ScenarioTitle = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ScenarioVersion = table.Column<int>(type: "integer", nullable: true),
                    IsTryOut = table.Column<bool>(type: "boolean", nullable: false),
                    TryOutOf = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Snapshot = table.Column<string>(type: "text", nullable: false),
                    Stage = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    PhaseIndex = table.Column<int>(type: "integer", nullable: false),
                    TurnInPhase = table.Column<int>(type: "integer", nullable: false),
                    Answers = table.Column<int>(type: "integer", nullable: false),
                    Outcomes = table.Column<string>(type: "text", nullable: false),
                    OverallScore = table.Column<int>(type: "integer", nullable: true),
                    XpEarned = table.Column<int>(type: "integer", nullable: false),
                    Provider = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ExperimentId = table.Column<Guid>(type: "uuid", nullable: true),
                    Variant = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PracticeSessions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Scenarios",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Slug = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Title = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Domain = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Category = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    Difficulty = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    EstimatedMinutes = table.Column<int>(type: "integer", nullable: false),
                    XpReward = table.Column<int>(type: "integer", nullable: false),
                    Tags = table.Column<string>(type: "text", nullable: false),
                    Locale = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Persona = table.Column<string>(type: "text", nullable: false),
                    Context = table.Column<string>(type: "text", nullable: false),
                    Tone = table.Column<string>(type: "text", nullable: false),
                    Rubric = table.Column<string>(type: "text", nullable: false),
                    Ai = table.Column<string>(type: "text", nullable: false),
                    Visibility = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    IsSystem = table.Column<bool>(type: "boolean", nullable: false),
                    TemplateKey = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    CreatedById = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PublishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LiveVersion = table.Column<int>(type: "integer", nullable: true),
                    SubmittedById = table.Column<string>(type: "text", nullable: true),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    VariantOfId = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Scenarios", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TrainingPrograms",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    Days = table.Column<string>(type: "text", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    TemplateKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CreatedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingPrograms", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUsers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    DisplayName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedUserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    EmailConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    PasswordHash = table.Column<string>(type: "text", nullable: true),
                    SecurityStamp = table.Column<string>(type: "text", nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true),
                    PhoneNumber = table.Column<string>(type: "text", nullable: true),
                    PhoneNumberConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    TwoFactorEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    LockoutEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LockoutEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    AccessFailedCount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUsers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUsers_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "PracticeMessages",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    SessionId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Sequence = table.Column<int>(type: "integer", nullable: false),
                    PhaseIndex = table.Column<int>(type: "integer", nullable: false),
                    Speaker = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Text = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false),
                    Stopped = table.Column<bool>(type: "boolean", nullable: false),
                    Assessment = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PracticeMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PracticeMessages_PracticeSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "PracticeSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SessionReviews",
                columns: table => new
                {
                    SessionId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ReviewedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    ReviewedByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ReviewedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SessionReviews", x => x.SessionId);
                    table.ForeignKey(
                        name: "FK_SessionReviews_PracticeSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "PracticeSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Experiments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ScenarioAId = table.Column<int>(type: "integer", nullable: false),
                    ScenarioBId = table.Column<int>(type: "integer", nullable: false),
                    PercentB = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    StartedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    StartedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EndedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    EndedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Winner = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Experiments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Experiments_Scenarios_ScenarioAId",
                        column: x => x.ScenarioAId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Experiments_Scenarios_ScenarioBId",
                        column: x => x.ScenarioBId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ReviewEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ScenarioId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    ById = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ReviewEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ReviewEvents_Scenarios_ScenarioId",
                        column: x => x.ScenarioId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ScenarioComments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ScenarioId = table.Column<int>(type: "integer", nullable: false),
                    PhaseIndex = table.Column<int>(type: "integer", nullable: true),
                    PhaseKey = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    Field = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    ParentId = table.Column<long>(type: "bigint", nullable: true),
                    AuthorId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    Body = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EditedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResolvedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResolvedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScenarioComments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScenarioComments_ScenarioComments_ParentId",
                        column: x => x.ParentId,
                        principalTable: "ScenarioComments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ScenarioComments_Scenarios_ScenarioId",
                        column: x => x.ScenarioId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ScenarioDrafts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ScenarioId = table.Column<int>(type: "integer", nullable: false),
                    Document = table.Column<string>(type: "text", nullable: false),
                    Visibility = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    BaseVersion = table.Column<int>(type: "integer", nullable: false),
                    UpdatedById = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    SubmittedById = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    SubmittedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScenarioDrafts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScenarioDrafts_Scenarios_ScenarioId",
                        column: x => x.ScenarioId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ScenarioPhases",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ScenarioId = table.Column<int>(type: "integer", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    Content = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScenarioPhases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScenarioPhases_Scenarios_ScenarioId",
                        column: x => x.ScenarioId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ScenarioVersions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ScenarioId = table.Column<int>(type: "integer", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Document = table.Column<string>(type: "text", nullable: false),
                    ChangeNote = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    AuthorName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    PublishedById = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PublishedByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    PublishedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ScenarioVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ScenarioVersions_Scenarios_ScenarioId",
                        column: x => x.ScenarioId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserLogins",
                columns: table => new
                {
                    LoginProvider = table.Column<string>(type: "text", nullable: false),
                    ProviderKey = table.Column<string>(type: "text", nullable: false),
                    ProviderDisplayName = table.Column<string>(type: "text", nullable: true),
                    UserId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                    table.ForeignKey(
                        name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserTokens",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    LoginProvider = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "text", nullable: false),
                    Value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                    table.ForeignKey(
                        name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CalendarFeeds",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CalendarFeeds", x => x.UserId);
                    table.ForeignKey(
                        name: "FK_CalendarFeeds_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SignInSessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    SecurityStamp = table.Column<string>(type: "text", nullable: true),
                    Ticket = table.Column<byte[]>(type: "bytea", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInSessions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SignInSessions_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Teams",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    ManagerId = table.Column<string>(type: "text", nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Teams", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Teams_AspNetUsers_ManagerId",
                        column: x => x.ManagerId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "CoachingNotes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    SessionId = table.Column<Guid>(type: "uuid", nullable: false),
                    MessageId = table.Column<long>(type: "bigint", nullable: true),
                    AuthorId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    AuthorName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Text = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    EditedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CoachingNotes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CoachingNotes_PracticeMessages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "PracticeMessages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CoachingNotes_PracticeSessions_SessionId",
                        column: x => x.SessionId,
                        principalTable: "PracticeSessions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CriterionResults",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    MessageId = table.Column<long>(type: "bigint", nullable: false),
                    SessionId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    ScenarioId = table.Column<int>(type: "integer", nullable: false),
                    Criterion = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Score = table.Column<int>(type: "integer", nullable: false),
                    ExperimentId = table.Column<Guid>(type: "uuid", nullable: true),
                    Variant = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CriterionResults", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CriterionResults_PracticeMessages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "PracticeMessages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Assignments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    ScenarioId = table.Column<int>(type: "integer", nullable: false),
                    ScenarioVersion = table.Column<int>(type: "integer", nullable: true),
                    DueOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Note = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    AssignedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Assignments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Assignments_Scenarios_ScenarioId",
                        column: x => x.ScenarioId,
                        principalTable: "Scenarios",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_Assignments_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PracticeSlots",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    Days = table.Column<int>(type: "integer", nullable: false),
                    StartTime = table.Column<TimeOnly>(type: "time without time zone", nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    DurationMinutes = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PracticeSlots", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PracticeSlots_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProgramEnrolments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramVersion = table.Column<int>(type: "integer", nullable: false),
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    WholeTeam = table.Column<bool>(type: "boolean", nullable: false),
                    StartOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Days = table.Column<string>(type: "text", nullable: false),
                    Pins = table.Column<string>(type: "text", nullable: false),
                    AssignedById = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProgramEnrolments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProgramEnrolments_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ProgramEnrolments_TrainingPrograms_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "TrainingPrograms",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TeamMembers",
                columns: table => new
                {
                    TeamId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TeamMembers", x => new { x.TeamId, x.UserId });
                    table.ForeignKey(
                        name: "FK_TeamMembers_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TeamMembers_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AssignmentReminders",
                columns: table => new
                {
                    AssignmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AssignmentReminders", x => new { x.AssignmentId, x.UserId });
                    table.ForeignKey(
                        name: "FK_AssignmentReminders_Assignments_AssignmentId",
                        column: x => x.AssignmentId,
                        principalTable: "Assignments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ProgramEnrolmentMembers",
                columns: table => new
                {
                    EnrolmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    UserId = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProgramEnrolmentMembers", x => new { x.EnrolmentId, x.UserId });
                    table.ForeignKey(
                        name: "FK_ProgramEnrolmentMembers_ProgramEnrolments_EnrolmentId",
                        column: x => x.EnrolmentId,
                        principalTable: "ProgramEnrolments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AiCalls_At",
                table: "AiCalls",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_AiCalls_OrganisationId_At",
                table: "AiCalls",
                columns: new[] { "OrganisationId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AiCalls_OrganisationId_UserId_At",
                table: "AiCalls",
                columns: new[] { "OrganisationId", "UserId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AiUsage_OrganisationId_Month",
                table: "AiUsage",
                columns: new[] { "OrganisationId", "Month" });

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserClaims_UserId",
                table: "AspNetUserClaims",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserLogins_UserId",
                table: "AspNetUserLogins",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "NormalizedEmail");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_OrganisationId_Role",
                table: "AspNetUsers",
                columns: new[] { "OrganisationId", "Role" });

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "AspNetUsers",
                column: "NormalizedUserName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_OrganisationId_TeamId_ScenarioId",
                table: "Assignments",
                columns: new[] { "OrganisationId", "TeamId", "ScenarioId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_ScenarioId",
                table: "Assignments",
                column: "ScenarioId");

            migrationBuilder.CreateIndex(
                name: "IX_Assignments_TeamId",
                table: "Assignments",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganisationId_Action_Id",
                table: "AuditEntries",
                columns: new[] { "OrganisationId", "Action", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganisationId_ActorId_Action_Id",
                table: "AuditEntries",
                columns: new[] { "OrganisationId", "ActorId", "Action", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganisationId_ActorId_Id",
                table: "AuditEntries",
                columns: new[] { "OrganisationId", "ActorId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganisationId_At",
                table: "AuditEntries",
                columns: new[] { "OrganisationId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganisationId_Id",
                table: "AuditEntries",
                columns: new[] { "OrganisationId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganisationId_SubjectKind_SubjectId_Action_Id",
                table: "AuditEntries",
                columns: new[] { "OrganisationId", "SubjectKind", "SubjectId", "Action", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganisationId_SubjectKind_SubjectId_ActorId_Id",
                table: "AuditEntries",
                columns: new[] { "OrganisationId", "SubjectKind", "SubjectId", "ActorId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_AuditEntries_OrganisationId_SubjectKind_SubjectId_Id",
                table: "AuditEntries",
                columns: new[] { "OrganisationId", "SubjectKind", "SubjectId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CalendarFeeds_TokenHash",
                table: "CalendarFeeds",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Categories_OrganisationId_Name",
                table: "Categories",
                columns: new[] { "OrganisationId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Categories_OrganisationId_Position",
                table: "Categories",
                columns: new[] { "OrganisationId", "Position" });

            migrationBuilder.CreateIndex(
                name: "IX_CoachingNotes_MessageId",
                table: "CoachingNotes",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_CoachingNotes_OrganisationId_SessionId_CreatedAt",
                table: "CoachingNotes",
                columns: new[] { "OrganisationId", "SessionId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CoachingNotes_SessionId",
                table: "CoachingNotes",
                column: "SessionId");

            migrationBuilder.CreateIndex(
                name: "IX_CriterionResults_MessageId",
                table: "CriterionResults",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_CriterionResults_OrganisationId_ScenarioId_Criterion_Score",
                table: "CriterionResults",
                columns: new[] { "OrganisationId", "ScenarioId", "Criterion", "Score" });

            migrationBuilder.CreateIndex(
                name: "IX_CriterionResults_OrganisationId_UserId_Criterion_Score",
                table: "CriterionResults",
                columns: new[] { "OrganisationId", "UserId", "Criterion", "Score" });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_OrganisationId_StartedAt",
                table: "Experiments",
                columns: new[] { "OrganisationId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_OrganisationId_Status_ScenarioAId",
                table: "Experiments",
                columns: new[] { "OrganisationId", "Status", "ScenarioAId" });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_OrganisationId_Status_ScenarioBId",
                table: "Experiments",
                columns: new[] { "OrganisationId", "Status", "ScenarioBId" });

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_ScenarioAId",
                table: "Experiments",
                column: "ScenarioAId");

            migrationBuilder.CreateIndex(
                name: "IX_Experiments_ScenarioBId",
                table: "Experiments",
                column: "ScenarioBId");

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_OrganisationId",
                table: "Invitations",
                column: "OrganisationId");

            migrationBuilder.CreateIndex(
                name: "IX_Invitations_TokenHash",
                table: "Invitations",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_OrganisationId_UserId_ReadAt_Id",
                table: "Notifications",
                columns: new[] { "OrganisationId", "UserId", "ReadAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PersonaAvatars_OrganisationId_CreatedAt",
                table: "PersonaAvatars",
                columns: new[] { "OrganisationId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PracticeMessages_SessionId_Sequence",
                table: "PracticeMessages",
                columns: new[] { "SessionId", "Sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Analytics",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "ScenarioId", "CompletedAt", "PhaseIndex", "OverallScore", "Outcomes", "Id", "ScenarioVersion", "IsTryOut" });

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Experiment",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "ExperimentId", "Variant", "UserId", "CompletedAt", "OverallScore", "Answers", "IsTryOut" },
                filter: "\"ExperimentId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_OrganisationId_UserId_StartedAt",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "UserId", "StartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Programs",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "UserId", "ScenarioId", "CompletedAt", "OverallScore", "ScenarioVersion", "IsTryOut", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_Progress",
                table: "PracticeSessions",
                columns: new[] { "OrganisationId", "UserId", "CompletedAt", "OverallScore", "XpEarned", "UpdatedAt", "ScenarioId", "ScenarioTitle", "IsTryOut" });

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSessions_TryOuts",
                table: "PracticeSessions",
                column: "StartedAt",
                filter: "\"IsTryOut\"");

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSlots_OrganisationId_TeamId",
                table: "PracticeSlots",
                columns: new[] { "OrganisationId", "TeamId" });

            migrationBuilder.CreateIndex(
                name: "IX_PracticeSlots_TeamId",
                table: "PracticeSlots",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_ProgramEnrolmentMembers_OrganisationId_UserId",
                table: "ProgramEnrolmentMembers",
                columns: new[] { "OrganisationId", "UserId" });

            migrationBuilder.CreateIndex(
                name: "IX_ProgramEnrolments_OrganisationId_ProgramId",
                table: "ProgramEnrolments",
                columns: new[] { "OrganisationId", "ProgramId" });

            migrationBuilder.CreateIndex(
                name: "IX_ProgramEnrolments_OrganisationId_TeamId",
                table: "ProgramEnrolments",
                columns: new[] { "OrganisationId", "TeamId" });

            migrationBuilder.CreateIndex(
                name: "IX_ProgramEnrolments_ProgramId",
                table: "ProgramEnrolments",
                column: "ProgramId");

            migrationBuilder.CreateIndex(
                name: "IX_ProgramEnrolments_TeamId",
                table: "ProgramEnrolments",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_ReviewEvents_ScenarioId_Id",
                table: "ReviewEvents",
                columns: new[] { "ScenarioId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ScenarioComments_OrganisationId_ScenarioId_ParentId_Resolve~",
                table: "ScenarioComments",
                columns: new[] { "OrganisationId", "ScenarioId", "ParentId", "ResolvedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ScenarioComments_ParentId",
                table: "ScenarioComments",
                column: "ParentId");

            migrationBuilder.CreateIndex(
                name: "IX_ScenarioComments_ScenarioId",
                table: "ScenarioComments",
                column: "ScenarioId");

            migrationBuilder.CreateIndex(
                name: "IX_ScenarioDrafts_OrganisationId_Status_SubmittedAt",
                table: "ScenarioDrafts",
                columns: new[] { "OrganisationId", "Status", "SubmittedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ScenarioDrafts_ScenarioId",
                table: "ScenarioDrafts",
                column: "ScenarioId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ScenarioPhases_ScenarioId_Order",
                table: "ScenarioPhases",
                columns: new[] { "ScenarioId", "Order" });

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_OrganisationId_CreatedById",
                table: "Scenarios",
                columns: new[] { "OrganisationId", "CreatedById" });

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_OrganisationId_Difficulty_UpdatedAt",
                table: "Scenarios",
                columns: new[] { "OrganisationId", "Difficulty", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_OrganisationId_Domain_UpdatedAt",
                table: "Scenarios",
                columns: new[] { "OrganisationId", "Domain", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_OrganisationId_Slug",
                table: "Scenarios",
                columns: new[] { "OrganisationId", "Slug" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_OrganisationId_Status_UpdatedAt",
                table: "Scenarios",
                columns: new[] { "OrganisationId", "Status", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_OrganisationId_TemplateKey",
                table: "Scenarios",
                columns: new[] { "OrganisationId", "TemplateKey" },
                filter: "\"TemplateKey\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_OrganisationId_Title",
                table: "Scenarios",
                columns: new[] { "OrganisationId", "Title" });

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_OrganisationId_UpdatedAt",
                table: "Scenarios",
                columns: new[] { "OrganisationId", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_Search",
                table: "Scenarios",
                columns: new[] { "Id", "OrganisationId", "Status", "Visibility", "CreatedById", "Domain", "Difficulty", "Category", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_Unversioned",
                table: "Scenarios",
                column: "Id",
                filter: "\"LiveVersion\" IS NULL AND \"Status\" = 'Published'");

            migrationBuilder.CreateIndex(
                name: "IX_Scenarios_VariantOfId",
                table: "Scenarios",
                column: "VariantOfId",
                filter: "\"VariantOfId\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_ScenarioVersions_ScenarioId_Number",
                table: "ScenarioVersions",
                columns: new[] { "ScenarioId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SessionReviews_OrganisationId_SessionId",
                table: "SessionReviews",
                columns: new[] { "OrganisationId", "SessionId" });

            migrationBuilder.CreateIndex(
                name: "IX_SignInSessions_ExpiresAt",
                table: "SignInSessions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_SignInSessions_UserId",
                table: "SignInSessions",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_TeamMembers_UserId",
                table: "TeamMembers",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_Teams_ManagerId",
                table: "Teams",
                column: "ManagerId");

            migrationBuilder.CreateIndex(
                name: "IX_Teams_OrganisationId_Name",
                table: "Teams",
                columns: new[] { "OrganisationId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TrainingPrograms_OrganisationId_Name",
                table: "TrainingPrograms",
                columns: new[] { "OrganisationId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingPrograms_OrganisationId_TemplateKey",
                table: "TrainingPrograms",
                columns: new[] { "OrganisationId", "TemplateKey" });

            // What the SQLite migrations do with FTS5 and SQLite triggers, written for PostgreSQL.

            // Full-text search (PostgresDialect): PostgreSQL's "simple" parser and dictionary (no stemming, as FTS5's unicode61)
            // after unaccent (FTS5's remove_diacritics), one weighted tsvector per scenario, and a GIN index over it.
            migrationBuilder.Sql("""
                CREATE TEXT SEARCH CONFIGURATION scenariostudio (COPY = pg_catalog.simple);
                ALTER TEXT SEARCH CONFIGURATION scenariostudio ALTER MAPPING FOR
                    asciiword, asciihword, hword_asciipart, word, hword, hword_part, numword, numhword, hword_numpart WITH unaccent, simple;
                CREATE TABLE "ScenarioSearch" (
                    "ScenarioId" integer PRIMARY KEY REFERENCES "Scenarios" ("Id") ON DELETE CASCADE,
                    "Document" tsvector NOT NULL);
                CREATE INDEX "IX_ScenarioSearch_Document" ON "ScenarioSearch" USING gin ("Document");
                """);

            // Criterion totals and experiment totals, kept by the database itself as on SQLite (CriterionTotals and
            // SchedulesExperimentsAndCoaching), so every writer keeps them right: the app, a cascade from a deleted
            // session or member, a bulk loader. A trigger rather than the service: cascades never pass through a service.
            migrationBuilder.Sql("""
                CREATE FUNCTION "CriterionResults_keep_totals"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO "CriterionTotals" ("OrganisationId", "UserId", "Criterion", "Total", "Samples")
                        VALUES (NEW."OrganisationId", NEW."UserId", NEW."Criterion", NEW."Score", 1)
                        ON CONFLICT ("OrganisationId", "UserId", "Criterion")
                        DO UPDATE SET "Total" = "CriterionTotals"."Total" + excluded."Total", "Samples" = "CriterionTotals"."Samples" + 1;
                        IF NEW."ExperimentId" IS NOT NULL THEN
                            INSERT INTO "ExperimentCriterionTotals" ("OrganisationId", "ExperimentId", "Variant", "Criterion", "Total", "Samples")
                            VALUES (NEW."OrganisationId", NEW."ExperimentId", NEW."Variant", NEW."Criterion", NEW."Score", 1)
                            ON CONFLICT ("ExperimentId", "Variant", "Criterion")
                            DO UPDATE SET "Total" = "ExperimentCriterionTotals"."Total" + excluded."Total",
                                "Samples" = "ExperimentCriterionTotals"."Samples" + 1;
                        END IF;
                        RETURN NEW;
                    END IF;
                    UPDATE "CriterionTotals" SET "Total" = "Total" - OLD."Score", "Samples" = "Samples" - 1
                    WHERE "OrganisationId" = OLD."OrganisationId" AND "UserId" = OLD."UserId" AND "Criterion" = OLD."Criterion";
                    DELETE FROM "CriterionTotals"
                    WHERE "OrganisationId" = OLD."OrganisationId" AND "UserId" = OLD."UserId" AND "Criterion" = OLD."Criterion" AND "Samples" <= 0;
                    IF OLD."ExperimentId" IS NOT NULL THEN
                        UPDATE "ExperimentCriterionTotals" SET "Total" = "Total" - OLD."Score", "Samples" = "Samples" - 1
                        WHERE "ExperimentId" = OLD."ExperimentId" AND "Variant" = OLD."Variant" AND "Criterion" = OLD."Criterion";
                        DELETE FROM "ExperimentCriterionTotals"
                        WHERE "ExperimentId" = OLD."ExperimentId" AND "Variant" = OLD."Variant" AND "Criterion" = OLD."Criterion" AND "Samples" <= 0;
                    END IF;
                    RETURN OLD;
                END
                $$;
                CREATE TRIGGER "CriterionResults_AfterInsertOrDelete" AFTER INSERT OR DELETE ON "CriterionResults"
                    FOR EACH ROW EXECUTE FUNCTION "CriterionResults_keep_totals"();
                """);

            // The audit log is append-only, whoever writes (AuditAppendOnly on SQLite); the trigger names are AuditTrail's.
            migrationBuilder.Sql("""
                CREATE FUNCTION "AuditEntries_refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'The audit log is append-only: audit entries cannot be %.',
                        CASE TG_OP WHEN 'UPDATE' THEN 'changed' ELSE 'deleted' END;
                END
                $$;
                CREATE TRIGGER "AuditEntries_no_update" BEFORE UPDATE ON "AuditEntries" FOR EACH ROW EXECUTE FUNCTION "AuditEntries_refuse_change"();
                CREATE TRIGGER "AuditEntries_no_delete" BEFORE DELETE ON "AuditEntries" FOR EACH ROW EXECUTE FUNCTION "AuditEntries_refuse_change"();
                CREATE TRIGGER "AuditEntries_no_truncate" BEFORE TRUNCATE ON "AuditEntries"
                    FOR EACH STATEMENT EXECUTE FUNCTION "AuditEntries_refuse_change"();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TABLE "ScenarioSearch";
                DROP TEXT SEARCH CONFIGURATION scenariostudio;
                DROP TRIGGER "CriterionResults_AfterInsertOrDelete" ON "CriterionResults";
                DROP FUNCTION "CriterionResults_keep_totals"();
                DROP TRIGGER "AuditEntries_no_update" ON "AuditEntries";
                DROP TRIGGER "AuditEntries_no_delete" ON "AuditEntries";
                DROP TRIGGER "AuditEntries_no_truncate" ON "AuditEntries";
                DROP FUNCTION "AuditEntries_refuse_change"();
                """);

            migrationBuilder.DropTable(
                name: "AiCalls");

            migrationBuilder.DropTable(
                name: "AiSettings");

            migrationBuilder.DropTable(
                name: "AiUsage");

            migrationBuilder.DropTable(
                name: "AspNetUserClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserLogins");

            migrationBuilder.DropTable(
                name: "AspNetUserTokens");

            migrationBuilder.DropTable(
                name: "AssignmentReminders");

            migrationBuilder.DropTable(
                name: "AuditEntries");

            migrationBuilder.DropTable(
                name: "CalendarFeeds");

            migrationBuilder.DropTable(
                name: "Categories");

            migrationBuilder.DropTable(
                name: "CoachingNotes");

            migrationBuilder.DropTable(
                name: "CriterionResults");

            migrationBuilder.DropTable(
                name: "CriterionTotals");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "ExperimentCriterionTotals");

            migrationBuilder.DropTable(
                name: "Experiments");

            migrationBuilder.DropTable(
                name: "Invitations");

            migrationBuilder.DropTable(
                name: "Notifications");

            migrationBuilder.DropTable(
                name: "PersonaAvatars");

            migrationBuilder.DropTable(
                name: "PracticeSlots");

            migrationBuilder.DropTable(
                name: "ProgramEnrolmentMembers");

            migrationBuilder.DropTable(
                name: "ReviewEvents");

            migrationBuilder.DropTable(
                name: "ScenarioComments");

            migrationBuilder.DropTable(
                name: "ScenarioDrafts");

            migrationBuilder.DropTable(
                name: "ScenarioPhases");

            migrationBuilder.DropTable(
                name: "ScenarioVersions");

            migrationBuilder.DropTable(
                name: "SessionReviews");

            migrationBuilder.DropTable(
                name: "SignInSessions");

            migrationBuilder.DropTable(
                name: "TeamMembers");

            migrationBuilder.DropTable(
                name: "Assignments");

            migrationBuilder.DropTable(
                name: "PracticeMessages");

            migrationBuilder.DropTable(
                name: "ProgramEnrolments");

            migrationBuilder.DropTable(
                name: "Scenarios");

            migrationBuilder.DropTable(
                name: "PracticeSessions");

            migrationBuilder.DropTable(
                name: "Teams");

            migrationBuilder.DropTable(
                name: "TrainingPrograms");

            migrationBuilder.DropTable(
                name: "AspNetUsers");

            migrationBuilder.DropTable(
                name: "Organisations");
        }
    }
}

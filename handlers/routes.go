package handlers

import (
	"time"

	"github.com/gofiber/fiber/v3"
)

// routes is the site map: every page, htmx fragment, form action and JSON
// endpoint, with the check that guards it, in one place. Handlers live in
// files named after the area and the route (vote_show.go, admin_players_*.go,
// …); adding a route means adding its line here, in its area.
//
// Checks, as read on each line:
//   - (none)   open to everyone, signed in or not;
//   - login    a signed-in player (pages redirect to /login?next=…, the API
//     answers 401);
//   - officer  guild rank Officer or higher (403 below it).
//
// Everything under /admin and /api/v1/admin is officer-only through its
// group, so an unknown address there answers 401/403 before 404 and a new
// route cannot be left unguarded. Elsewhere the check sits on the route, so
// it never leaks onto another area's routes under the same prefix.
// CSRF (csrf.go) and the session (session.go) run before all of this, for
// every route, in New.
func (s *Server) routes(app *fiber.App) {
	login := s.requireLogin
	officer := s.requireRank(OfficerLevel)
	s.outage = newOutageWatch(s.Log, s.Now)
	s.pages = newPageCache(s.DB, s.Now)
	s.pages.probe.watch = s.outage

	// Rate limits on accounts (spec identity §3.11, §11.5), one set per app
	// so tests with their own app never share counts.
	loginLimited := newLoginGuard(s).handler // per address, per username, device cookies (login_guard.go)
	registerLimited := rateLimit(newRateLimiter(registerLimit, registerWindow, s.Now), msgTooManyRegisters,
		s.byIPAndUsername("register"), s.registerRefused)
	passwordLimited := rateLimit(newRateLimiter(passwordLimit, passwordWindow, s.Now), msgTooManyPasswords,
		s.byViewer("password"), s.passwordRefused)

	// ---- Health (for nginx, systemd and the deploy script)
	app.Get("/healthz", s.healthShow)
	app.Get("/api/health", s.healthShow)

	// ---- Public pages
	app.Get("/", s.homeShow)
	app.Get("/roster", s.rosterShow)
	app.Get("/roster.html", redirectTo("/roster", fiber.StatusMovedPermanently))      // old site
	app.Get("/roster-view.html", redirectTo("/roster", fiber.StatusMovedPermanently)) // old site

	// Mito's corner: open to read, officers add, edit and delete in place
	// (htmx row swaps; plain forms without JS).
	app.Get("/mitos-corner", s.mitoShow)
	app.Get("/mitos-corner.html", redirectTo("/mitos-corner", fiber.StatusMovedPermanently)) // old site
	app.Get("/mitos-corner/preview", s.mitoPreview)
	for _, k := range mitoKinds { // /mitos-corner/quotes…, /mitos-corner/titles…
		base := "/mitos-corner/" + k.Plural
		app.Post(base, officer, s.mitoCreate(k))
		app.Get(base+"/:id/edit", officer, s.mitoEdit(k)) // fragment: the row's edit form
		app.Get(base+"/:id", officer, s.mitoRowShow(k))   // fragment: the row (Cancel)
		app.Post(base+"/:id", officer, s.mitoUpdate(k))
		app.Post(base+"/:id/delete", officer, s.mitoDelete(k))
	}

	// ---- Accounts (spec identity §3)
	app.Get("/login", s.loginShow)
	app.Post("/login", loginLimited, s.loginSubmit)
	app.Get("/register", s.registerShow)
	app.Post("/register", registerLimited, s.registerSubmit)
	app.Get("/logout", s.logoutConfirm)
	app.Post("/logout", s.logoutSubmit)

	// The player's own profile: identity, characters, password.
	profile := app.Group("/profile", login)
	profile.Get("/", s.profileShow)
	profile.Post("/info", s.profileInfoUpdate)
	profile.Post("/characters", s.profileCharactersUpdate)
	profile.Post("/characters/add", s.profileCharacterAdd)         // a character of their own, unverified
	profile.Get("/battlenet", s.profileBattleNetStart)             // prove characters: off to Battle.net (profile_battlenet.go)
	profile.Get("/battlenet/callback", s.profileBattleNetCallback) // …and back
	profile.Post("/password", passwordLimited, s.profilePasswordUpdate)
	profile.Post("/sessions/end-all", s.profileSessionsEndAll) // log out everywhere (before :id)
	profile.Post("/sessions/:id/end", s.profileSessionEnd)     // log out one session

	// ---- Voting (spec voting §8): the vote page and its live fragments.
	app.Get("/vote", s.voteList) // every vote the viewer may see: live, upcoming, recent
	app.Get("/vote/:id", s.voteShow)
	app.Get("/vote/:id/panel", s.votePanel)         // fragment: ballot or "you voted"
	app.Get("/vote/:id/standings", s.voteStandings) // fragment: polled standings
	app.Post("/vote/:id", login, s.voteSubmit)

	// ---- Raid scheduling, members (spec scheduling §2–§4)
	app.Get("/availability", login, s.availabilityShow)
	app.Post("/availability", login, s.availabilitySave)
	app.Post("/availability/preview", login, s.availabilityPreview) // fragment: the week as saved
	app.Post("/availability/calendar-token", login, s.availabilityCalendarRegenerate)
	app.Get("/calendar/:file", s.calendarFeed) // private iCal feed; the token in the name is the key

	// ---- Raids, members (issue 16): the coming raids, one raid with the
	// member's answer and its roster (officers also see who has not answered).
	app.Get("/raids", login, s.raidsIndex)
	app.Get("/raids/attendance", login, s.raidsMyAttendance) // before /raids/:id
	app.Get("/raids/:id", login, s.raidsShow)
	app.Post("/raids/:id/signup", login, s.raidsSignup) // htmx: the form (+ roster) or, compact=1, the row

	// ---- Officers' pages (/admin, officer-only through the group)
	admin := app.Group("/admin", officer)
	admin.Get("/", s.adminHome) // the admin area opens on Campaigns (spec voting §8.5)
	// The audit log of officer actions: Guild Leader only (the domain checks).
	admin.Get("/audit", s.adminAuditShow)

	// Campaigns (spec voting §8.5–8.6).
	admin.Get("/campaigns", s.adminCampaignList)
	admin.Get("/campaigns/new", s.adminCampaignNew)
	admin.Post("/campaigns/new", s.adminCampaignCreate)
	admin.Get("/campaigns/:id/edit", s.adminCampaignEdit)
	admin.Post("/campaigns/:id/edit", s.adminCampaignUpdate)
	admin.Get("/campaigns/:id/turnout", s.adminCampaignTurnout) // fragment: polled turnout
	admin.Post("/campaigns/:id/activate", s.adminCampaignActivate)
	admin.Post("/campaigns/:id/open", s.adminCampaignOpen) // a scheduled campaign, before its start
	admin.Post("/campaigns/:id/close", s.adminCampaignClose)
	admin.Post("/campaigns/:id/entries", s.adminCampaignEntryAdd)
	admin.Post("/campaigns/:id/entries/order", s.adminCampaignEntryOrder) // before :eid
	admin.Post("/campaigns/:id/entries/:eid", s.adminCampaignEntryUpdate)
	admin.Post("/campaigns/:id/entries/:eid/move", s.adminCampaignEntryMove)
	admin.Post("/campaigns/:id/entries/:eid/delete", s.adminCampaignEntryDelete)

	// Player Manager (spec identity §6.3): the three-column board, its
	// fragments, and one action per form.
	admin.Get("/roster", redirectTo("/admin/players", fiber.StatusFound)) // old address
	// Officers' changes here may move a player's rank or Discord link: the
	// bot hears at once and the member's Discord role follows (rolesFollow).
	pm := admin.Group("/players", s.rolesFollow)
	pm.Get("/", s.adminPlayersShow)
	pm.Get("/columns/:column", s.adminPlayersColumn) // fragment: one filtered column
	pm.Get("/board", s.adminPlayersBoard)            // fragment: all three columns
	pm.Get("/counts", s.adminPlayersCounts)          // fragment: live counts
	pm.Post("/", s.adminPlayerCreate)
	pm.Post("/settings", s.adminCountUnverified)   // members' own characters on the roster or not
	pm.Get("/:id/card", s.adminPlayerCard)         // fragment: the player's card
	pm.Get("/:id/rename", s.adminPlayerRenameForm) // fragment: inline rename form
	pm.Post("/:id/rename", s.adminPlayerRename)
	pm.Post("/:id/active", s.adminPlayerSetActive)
	pm.Post("/:id/rank", s.adminPlayerSetRank)
	pm.Post("/:id/discord", s.adminPlayerLinkDiscord)
	pm.Post("/:id/characters", s.adminPlayerLinkCharacter)
	pm.Post("/:id/invite", s.adminPlayerInvite)
	pm.Post("/:id/invite/revoke", s.adminPlayerInviteRevoke)
	pm.Post("/:id/delete", s.adminPlayerDelete)
	chars := admin.Group("/characters", s.rolesFollow)
	chars.Post("/", s.adminCharacterAdd)                // typed in by hand (no Blizzard sync)
	chars.Post("/:id/confirm", s.adminCharacterConfirm) // vouch for a member's own
	chars.Post("/:id/role", s.adminCharacterSetRole)
	chars.Post("/:id/unlink", s.adminCharacterUnlink)
	chars.Post("/:id/delete", s.adminCharacterDelete)
	// The original's page-JSON endpoints, kept for scripts (admin_players_json.go).
	admin.Get("/players-data", s.adminPlayersData)
	pm.Post("/create", s.adminPlayersJSONCreate)
	pm.Patch("/:id/link-discord", s.adminPlayersJSONLinkDiscord)
	pm.Patch("/:id/display-name", s.adminPlayersJSONRename)
	pm.Delete("/:id", s.adminPlayersJSONDelete)
	pm.Post("/:id/send-invite", s.adminPlayersJSONInvite)
	chars.Patch("/:id/assign", s.adminCharactersJSONAssign)
	chars.Patch("/:id/main-alt", s.adminCharactersJSONMainAlt)
	chars.Delete("/:id", s.adminCharactersJSONDelete)

	// Reference Tables (spec identity §6.4): rows edited in place; a save
	// answers POST (forms) as well as PATCH/PUT (htmx).
	ref := admin.Group("/reference-tables", s.rolesFollow) // a rank's Discord role id
	ref.Get("/", s.adminReferenceShow)
	for _, kind := range []string{"ranks", "roles", "seasons"} {
		ref.Get("/"+kind+"/:id", s.adminReferenceRow(kind, false))     // fragment: the row
		ref.Get("/"+kind+"/:id/edit", s.adminReferenceRow(kind, true)) // fragment: its edit form
	}
	save := []string{fiber.MethodPost, fiber.MethodPatch, fiber.MethodPut}
	ref.Add(save, "/ranks/:id", s.adminReferenceRankSave)
	ref.Add(save, "/roles/:id", s.adminReferenceRoleSave)
	ref.Add(save, "/seasons/:id", s.adminReferenceSeasonSave)
	ref.Post("/seasons", s.adminReferenceSeasonCreate)

	// Availability dashboard and raid events (spec scheduling §5–§7).
	admin.Get("/availability", s.adminAvailabilityShow)
	admin.Post("/availability/event-days/:day", s.adminAvailabilityEventDaySave)
	admin.Post("/availability/event-days/:day/delete", s.adminAvailabilityEventDayDelete)
	admin.Get("/raid-events", s.adminRaidEventsList)
	admin.Post("/raid-events", s.adminRaidEventsCreate)
	admin.Get("/raid-events/:id", s.adminRaidEventsEdit)
	admin.Post("/raid-events/:id", s.adminRaidEventsUpdate)
	admin.Post("/raid-events/:id/attendance/:player_id", s.adminRaidEventsAttendanceToggle)
	admin.Get("/bot-settings", s.adminBotSettingsShow) // Discord bot (admin_bot_settings.go)
	admin.Post("/bot-settings/flags/:flag", s.adminBotSettingsFlag)
	admin.Post("/bot-settings/outbox/:id/release", s.adminBotSettingsOutbox(true))
	admin.Post("/bot-settings/outbox/:id/discard", s.adminBotSettingsOutbox(false))
	admin.Post("/bot-settings/sync/:what", s.adminBotSettingsSync)
	admin.Post("/bot-settings/onboarding/:id/:action", s.adminOnboardingAction) // admin_onboarding.go
	admin.Post("/bot-settings/role-sync", s.adminBotSettingsRoleSync)           // dry run, per-run cap
	admin.Post("/bot-settings/announce-channel", s.adminBotSettingsAnnounce)    // default channel for posts

	// PATTSync uploader keys (spec guild_sync §19): issue (shown once),
	// revoke, and the latest uploads.
	admin.Get("/addon-uploaders", s.adminAddonUploadersShow)
	admin.Post("/addon-uploaders", s.adminAddonUploaderCreate)
	admin.Post("/addon-uploaders/:id/revoke", s.adminAddonUploaderRevoke)

	// Background jobs: what runs when, recent runs, "Run now".
	admin.Get("/jobs", s.adminJobsShow)
	admin.Get("/jobs/panel", s.adminJobsPanel) // fragment: polled while a job runs
	admin.Post("/jobs/:name/run", s.adminJobRun)

	// Raid-Helper (issue 16): settings (the key never shown again), booking
	// state and actions per raid, the booking log, unknown signers.
	admin.Get("/raid-helper", s.adminRaidHelperShow)
	admin.Post("/raid-helper/settings", s.adminRaidHelperSave)
	admin.Post("/raid-helper/test", s.adminRaidHelperTest)
	admin.Post("/raid-helper/sync", s.adminRaidHelperSync)
	admin.Post("/raid-helper/events/:id/book", s.adminRaidHelperBook) // book or re-book
	admin.Post("/raid-helper/events/:id/cancel", s.adminRaidHelperCancel)
	admin.Post("/raid-helper/unknown/:id/link", s.adminRaidHelperLink) // htmx: the unknown-signers section

	// Guild sync (spec guild_sync §10–§11): the runs, and "sync now" with
	// live progress.
	admin.Get("/sync", s.adminSyncShow)
	admin.Get("/sync/runs", s.adminSyncRuns) // fragment: polled while a run is going
	admin.Post("/sync/run", s.adminSyncRun)
	admin.Post("/sync/settings", s.adminSyncSettingsSave)      // Blizzard credentials, realm, guild (secret sealed)
	admin.Post("/sync/settings/test", s.adminSyncSettingsTest) // token + roster with the form or the saved settings
	// Audit issues (spec guild_sync §8–§9): the integrity check's findings
	// and the identity engine's suggestions. (/admin/audit is the log of
	// officer actions.)
	admin.Get("/issues", s.adminIssuesShow)
	admin.Post("/issues/run/:job", s.adminIssuesRun) // identity | integrity
	admin.Post("/issues/:id/resolve", s.adminIssueAct("resolve"))
	admin.Post("/issues/:id/dismiss", s.adminIssueAct("dismiss"))
	admin.Post("/issues/:id/accept", s.rolesFollow, s.adminIssueAct("accept")) // links a character
	admin.Post("/issues/:id/reject", s.adminIssueAct("reject"))

	// ---- JSON API ({"ok":…} envelope; 401 not a redirect)
	authAPI := app.Group("/api/v1/auth")
	authAPI.Post("/login", loginLimited, s.apiLogin)
	authAPI.Post("/register", registerLimited, s.apiRegister)
	authAPI.Get("/me", login, s.apiMe)
	authAPI.Post("/logout", login, s.apiLogout) // ends the Bearer token's session

	// The guild (spec identity §7.3): public reads, officers write Mito's
	// lines; availability is behind login.
	guild := app.Group("/api/v1/guild")
	guild.Get("/ranks", s.guildRanksAPI)
	guild.Get("/roster", s.guildRosterAPI)
	guild.Get("/mito", s.mitoListAPI)
	for _, k := range mitoKinds {
		guild.Post("/mito/"+k.Plural, officer, s.mitoCreateAPI(k))
		guild.Put("/mito/"+k.Plural+"/:id", officer, s.mitoUpdateAPI(k))
		guild.Delete("/mito/"+k.Plural+"/:id", officer, s.mitoDeleteAPI(k))
	}
	guild.Get("/availability", login, s.scheduleAPIGuildAvailability)

	// Campaigns (spec voting §7.3): drafts are 404 to non-officers.
	camps := app.Group("/api/v1/campaigns")
	camps.Get("/", s.apiCampaignList)
	camps.Get("/:id", s.apiCampaignShow)
	camps.Get("/:id/results", s.apiCampaignResults)
	camps.Get("/:id/results/live", login, s.apiCampaignResultsLive)
	camps.Get("/:id/my-vote", login, s.apiCampaignMyVote)
	camps.Post("/:id/vote", login, s.apiCampaignVote)

	// The player's own availability (spec scheduling §7).
	app.Get("/api/v1/me/availability", login, s.scheduleAPIMyAvailability)
	app.Put("/api/v1/me/availability", login, s.scheduleAPIReplaceMyAvailability)

	// Raids and the player's answers (issue 16).
	app.Get("/api/v1/raids", login, s.raidsAPIList)
	app.Put("/api/v1/raids/:id/signup", login, s.raidsAPISignup)

	// Officers' API (/api/v1/admin, officer-only through the group).
	adminAPI := app.Group("/api/v1/admin", officer)
	adminAPI.Post("/campaigns", s.apiAdminCampaignCreate)
	adminAPI.Patch("/campaigns/:id", s.apiAdminCampaignUpdate)
	adminAPI.Post("/campaigns/:id/entries", s.apiAdminEntryAdd)
	adminAPI.Delete("/campaigns/:id/entries/:eid", s.apiAdminEntryDelete)
	adminAPI.Patch("/campaign-entries/:eid", s.apiAdminEntryUpdate)
	adminAPI.Post("/campaigns/:id/activate", s.apiAdminCampaignActivate)
	adminAPI.Post("/campaigns/:id/close", s.apiAdminCampaignClose)
	adminAPI.Get("/campaigns/:id/stats", s.apiAdminCampaignStats)

	adminAPI.Get("/bot-settings", s.adminAPIBotSettingsShow) // Discord bot (spec discord_bot §2.3)
	adminAPI.Patch("/bot-settings", s.adminAPIBotSettingsUpdate)

	adminAPI.Get("/ranks", s.adminAPIRanksList) // reference data (spec identity §6.2)
	adminAPI.Post("/ranks", s.adminAPIRankCreate)
	adminAPI.Patch("/ranks/:id", s.adminAPIRankUpdate)
	adminAPI.Delete("/ranks/:id", s.adminAPIRankDelete)
	adminAPI.Get("/roles", s.adminAPIRolesList)
	adminAPI.Patch("/roles/:id", s.adminAPIRoleUpdate)
	adminAPI.Get("/classes", s.adminAPIClassesList)
	adminAPI.Get("/specializations", s.adminAPISpecializationsList)
	adminAPI.Get("/seasons", s.adminAPISeasonsList)
	adminAPI.Post("/seasons", s.adminAPISeasonCreate)
	adminAPI.Patch("/seasons/:id", s.adminAPISeasonUpdate)
	adminAPI.Get("/seasons/:id/attendance", s.scheduleAPISeasonAttendance)

	adminAPI.Get("/members", s.adminAPIMembersList) // members (spec identity §6.2)
	adminAPI.Post("/members", s.rolesFollow, s.adminAPIMemberCreate)
	adminAPI.Get("/members/:id", s.adminAPIMemberShow)
	adminAPI.Patch("/members/:id", s.rolesFollow, s.adminAPIMemberUpdate)
	adminAPI.Post("/members/:id/send-invite", s.adminAPIMemberSendInvite)

	adminAPI.Get("/availability-by-day", s.scheduleAPIAvailabilityByDay) // scheduling (spec §7)
	adminAPI.Get("/recurring-events", s.scheduleAPIRecurringList)
	adminAPI.Post("/recurring-events", s.scheduleAPIRecurringCreate)
	adminAPI.Patch("/recurring-events/:id", s.scheduleAPIRecurringUpdate)
	adminAPI.Delete("/recurring-events/:id", s.scheduleAPIRecurringDelete)
	adminAPI.Get("/raid-events", s.scheduleAPIRaidEventsList)
	adminAPI.Post("/raid-events", s.scheduleAPIRaidEventsCreate)
	adminAPI.Patch("/raid-events/:id", s.scheduleAPIRaidEventsUpdate)
	adminAPI.Put("/raid-events/:id/attendance/:player_id", s.scheduleAPIAttendanceSet)
	adminAPI.Get("/raid-config", s.raidConfigAPIShow) // Raid-Helper settings; the key only as "set"
	adminAPI.Patch("/raid-config", s.raidConfigAPIUpdate)
	adminAPI.Get("/raid-config/test", s.raidConfigAPITest)

	// PATTSync uploads from the companion (spec guild_sync §12, §19): an
	// uploader key in X-API-Key instead of a session, so CSRF-exempt
	// (csrf.go); rate-limited per IP and per key. The second address is
	// the original companion's.
	addonLimited := rateLimit(newRateLimiter(addonUploadLimit, addonUploadWindow, s.Now),
		"Too many uploads; wait a few minutes and try again.", s.addonUploadKeys, nil)
	app.Post(addonUploadPath, addonLimited, s.addonUpload)
	app.Post(addonUploadLegacyPath, addonLimited, s.addonUpload)

	// The Player Manager's player list, under its original address.
	app.Get("/api/identity/players", officer, s.identityAPIPlayers)

	// Guild sync JSON (spec guild_sync §11), officer-only (W8; the
	// reference left them open). The check sits on each route: the legacy
	// addon upload under /api/guild-sync authenticates by key instead.
	app.Get("/api/guild-sync/status", officer, s.guildSyncAPIStatus)
	app.Get("/api/guild-sync/runs", officer, s.guildSyncAPIRuns)
	app.Get("/api/guild-sync/runs/:id", officer, s.guildSyncAPIRun)
	app.Get("/api/guild-sync/issues", officer, s.guildSyncAPIIssues)
	app.Post("/api/guild-sync/blizzard/trigger", officer, s.guildSyncAPIBlizzardTrigger)
	app.Post("/api/guild-sync/discord/trigger", officer, s.guildSyncAPIDiscordTrigger)
	app.Post("/api/identity/run-matching", officer, s.identityAPIRunMatching)
}

// redirectTo answers every request with a redirect to the given address:
// old addresses of the original site and renamed pages.
func redirectTo(to string, status int) fiber.Handler {
	return func(c fiber.Ctx) error {
		return c.Redirect().Status(status).To(to)
	}
}

// adminHome: the admin area opens on Campaigns (spec voting §8.5).
func (s *Server) adminHome(c fiber.Ctx) error {
	return c.Redirect().Status(fiber.StatusFound).To("/admin/campaigns")
}

// Rate limits (spec identity §3.11, §11.5): login as the original (10 per
// minute per IP) and per username; registration and password change more
// tightly, since nobody needs many tries at either.
const (
	loginLimit          = 10
	loginWindow         = time.Minute
	registerLimit       = 10
	registerWindow      = 10 * time.Minute
	passwordLimit       = 10
	passwordWindow      = 15 * time.Minute
	msgTooManyLogins    = "Too many login attempts. Try again in a minute."
	msgTooManyRegisters = "Too many registration attempts. Try again in a few minutes."
	msgTooManyPasswords = "Too many password change attempts. Try again later."
)

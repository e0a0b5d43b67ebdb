// Package bot is the guild's Discord bot: one discordgo session inside
// `patt serve`. It implements notify.Notifier (channel posts, DMs through
// the outbox, role edits) so the domain packages never import discordgo,
// keeps guild_identity.discord_users current from the gateway and a
// periodic REST resync, keeps Discord rank roles and site ranks in step by
// role id (common.guild_ranks.discord_role_id), and delivers the DM outbox.
// All its background work runs as jobs on the app's runner (Jobs).
//
// REST works on every instance (any node may post or send); the gateway
// connection runs on exactly one: on Postgres the instance holding an
// advisory lock, taken by the discord-gateway job, which on the other
// instances keeps trying so one of them takes over when the holder dies.
package bot

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
	"gorm.io/gorm"

	"patt/app/jobs"
	"patt/bot/outbox"
	"patt/bot/settings"
	"patt/config"
	"patt/identity"
	"patt/models"
	"patt/notify"
	"patt/onboarding"
)

// Intents are the gateway intents the bot asks for: guilds, guild members
// (privileged: "Server Members Intent" in the developer portal) and DMs.
// No message content.
const Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMembers | discordgo.IntentsDirectMessages

// DefaultAPIURL is Discord's REST base.
const DefaultAPIURL = "https://discord.com/api/v10/"

// Colours of the bot's embeds.
const ColorGold = 0xD4A84B

// Connection states shown on the settings page.
const (
	StateConnecting   = "connecting"
	StateConnected    = "connected"
	StateDisconnected = "disconnected"
	StateBadToken     = "bad_token"
	StateWrongGuild   = "wrong_guild"
	StateNoIntent     = "intent_disabled"
	StateStandby      = "standby" // another instance runs the gateway
)

// Options configure the bot.
type Options struct {
	Token          string
	GuildID        string // canonical guild; discord_config.guild_discord_id when empty
	APIURL         string // REST base; DefaultAPIURL when empty
	AuditChannelID string
	// OpenAttempts and OpenBackoff bound the first connection: Open is
	// retried with exponential back-off from OpenBackoff (default 5 × 1s).
	OpenAttempts int
	OpenBackoff  time.Duration
	// Instance names this process in bot_status (host:pid by default).
	Instance string
	// IntentRetry is how long the gateway waits after Discord closed it
	// with 4014 (Server Members Intent not enabled) before one quiet new
	// try, so enabling the intent in the portal needs no restart (default
	// 10 minutes; never a reconnect storm).
	IntentRetry time.Duration
}

// Bot is the Discord integration. Create it with New.
type Bot struct {
	opt  Options
	db   *gorm.DB
	log  *slog.Logger
	now  func() time.Time
	rest *discordgo.Session

	ctx    context.Context
	cancel context.CancelFunc

	mu        sync.Mutex
	gw        *discordgo.Session
	lockConn  *sql.Conn
	fatal     string
	retryAt   time.Time // when a refusal that may be fixed outside (4014) is tried again
	said      map[string]bool
	botUserID string
	failed    map[string]bool // role edits Discord refused; retried by the full role sync
	onb       *onboarding.Service
	kick      func()
	dirty     map[int]bool // players whose rank changed on the site; pushed first
	kicks     int          // RanksChanged calls so far
	runJob    func(name string) error
	pushMu    sync.Mutex // serialises role pushes
}

var endpointsMu sync.Mutex

// setEndpoints points discordgo's package-level endpoints at base. They are
// globals in discordgo, so they are only written when they change (once
// per process in practice).
func setEndpoints(base string) {
	endpointsMu.Lock()
	defer endpointsMu.Unlock()
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	if discordgo.EndpointAPI == base {
		return
	}
	discordgo.APIVersion = "10"
	discordgo.EndpointAPI = base
	discordgo.EndpointGuilds = base + "guilds/"
	discordgo.EndpointChannels = base + "channels/"
	discordgo.EndpointUsers = base + "users/"
	discordgo.EndpointGateway = base + "gateway"
	discordgo.EndpointGatewayBot = discordgo.EndpointGateway + "/bot"
	discordgo.EndpointWebhooks = base + "webhooks/"
	discordgo.EndpointStickers = base + "stickers/"
	discordgo.EndpointApplications = base + "applications"
	discordgo.EndpointGuildCreate = base + "guilds"
}

// New builds the bot; nothing connects until its jobs run.
func New(db *gorm.DB, opt Options, log *slog.Logger, clock func() time.Time) *Bot {
	if opt.APIURL == "" {
		opt.APIURL = DefaultAPIURL
	}
	if opt.OpenAttempts <= 0 {
		opt.OpenAttempts = 5
	}
	if opt.OpenBackoff <= 0 {
		opt.OpenBackoff = time.Second
	}
	if opt.IntentRetry <= 0 {
		opt.IntentRetry = 10 * time.Minute
	}
	if opt.Instance == "" {
		host, _ := os.Hostname()
		opt.Instance = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if log == nil {
		log = slog.Default()
	}
	setEndpoints(opt.APIURL)
	b := &Bot{opt: opt, db: db, log: log.With("integration", "discord"), now: clock,
		said: map[string]bool{}, failed: map[string]bool{}, dirty: map[int]bool{}}
	b.rest = b.session()
	b.ctx, b.cancel = context.WithCancel(context.Background())
	return b
}

func (b *Bot) session() *discordgo.Session {
	s, _ := discordgo.New("Bot " + b.opt.Token) // only fails on login with e-mail/password
	s.Identify.Intents = Intents
	s.Client = &http.Client{Timeout: 30 * time.Second}
	s.MaxRestRetries = 2
	s.StateEnabled = true
	// Handlers run in event order: a join followed by a leave must not be
	// written the other way round, nor a READY after the DISCONNECT before it.
	s.SyncEvents = true
	s.LogLevel = -1 // discordgo's own logging is off; we log outcomes
	return s
}

// Name implements app.Integration.
func (b *Bot) Name() string { return "discord bot" }

// Start implements app.Integration. The discord-gateway job connects (it
// runs at once when the job runner starts), so Start only says hello.
func (b *Bot) Start(context.Context) error {
	b.log.Info("discord bot on: the gateway connects from the discord-gateway job", "api", b.opt.APIURL)
	return nil
}

// Close implements app.Integration: closes the gateway and gives the
// gateway lock back. The app calls it before closing the database.
func (b *Bot) Close(ctx context.Context) error {
	b.cancel()
	b.mu.Lock()
	gw := b.gw
	b.gw = nil
	b.mu.Unlock()
	var err error
	if gw != nil {
		gw.ShouldReconnectOnError = false
		err = gw.Close()
		b.writeStatus(ctx, map[string]any{"connected": false, "state": StateDisconnected})
	}
	b.releaseLeadership()
	return err
}

// sayOnce logs a problem the first time it is seen, so a permanent
// misconfiguration is one clear line, not one per retry.
func (b *Bot) sayOnce(key, msg string, args ...any) {
	b.mu.Lock()
	seen := b.said[key]
	b.said[key] = true
	b.mu.Unlock()
	if !seen {
		b.log.Error(msg, args...)
	}
}

// GuildID is the canonical guild: PATT_DISCORD_GUILD_ID, else the config
// row's guild_discord_id.
func (b *Bot) GuildID(ctx context.Context) string {
	if b.opt.GuildID != "" {
		return b.opt.GuildID
	}
	var cfg models.DiscordConfig
	if err := b.db.WithContext(ctx).Order("id").Limit(1).Find(&cfg).Error; err == nil &&
		cfg.GuildDiscordID != "" && cfg.GuildDiscordID != "0" {
		return cfg.GuildDiscordID
	}
	return ""
}

// Connected reports whether this instance holds an open gateway.
func (b *Bot) Connected() bool {
	b.mu.Lock()
	gw := b.gw
	b.mu.Unlock()
	if gw == nil {
		return false
	}
	gw.RLock()
	defer gw.RUnlock()
	return gw.DataReady
}

// ---- leadership: one gateway per cluster ----

func lockKey() int64 {
	h := fnv.New64a()
	h.Write([]byte("patt.discord-gateway"))
	return int64(h.Sum64())
}

// takeLeadership takes the gateway lock (Postgres advisory lock on a
// connection held while the gateway runs). On SQLite there is one process.
func (b *Bot) takeLeadership(ctx context.Context) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if models.DialectOf(b.db) != models.Postgres || b.lockConn != nil {
		return true, nil
	}
	sqlDB, err := b.db.DB()
	if err != nil {
		return false, err
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return false, err
	}
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", lockKey()).Scan(&got); err != nil || !got {
		conn.Close()
		return false, err
	}
	b.lockConn = conn
	return true, nil
}

// leadershipAlive checks the lock's connection still answers; when it
// died, the lock is gone and another instance may hold it now.
func (b *Bot) leadershipAlive(ctx context.Context) bool {
	b.mu.Lock()
	conn := b.lockConn
	b.mu.Unlock()
	if conn == nil {
		return true
	}
	return conn.PingContext(ctx) == nil
}

func (b *Bot) releaseLeadership() {
	b.mu.Lock()
	conn := b.lockConn
	b.lockConn = nil
	b.mu.Unlock()
	if conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", lockKey())
		conn.Close()
	}
}

// ---- the gateway ----

// KeepGateway is the discord-gateway job: it opens the gateway when this
// instance may run it, checks it when it is open, and does nothing after
// Discord refused the token (logged once). After a 4014 (the Server
// Members Intent is off in the developer portal) it tries once more every
// IntentRetry, quietly, so turning the intent on needs no restart.
func (b *Bot) KeepGateway(ctx context.Context) error {
	b.mu.Lock()
	fatal, gw, retryAt := b.fatal, b.gw, b.retryAt
	if fatal == StateNoIntent && !b.now().Before(retryAt) {
		fatal, b.fatal = "", ""
	}
	b.mu.Unlock()
	if fatal != "" {
		return nil
	}
	if gw != nil {
		if !b.leadershipAlive(ctx) {
			b.log.Error("discord gateway lock lost (database connection dropped); closing the gateway")
			b.mu.Lock()
			b.gw = nil
			b.mu.Unlock()
			gw.ShouldReconnectOnError = false
			gw.Close()
			b.releaseLeadership()
			return nil
		}
		b.writeStatus(ctx, map[string]any{"latency_ms": int(gw.HeartbeatLatency().Milliseconds())})
		return nil
	}
	ok, err := b.takeLeadership(ctx)
	if err != nil {
		return fmt.Errorf("discord gateway lock: %w", err)
	}
	if !ok {
		jobs.Report(ctx, "another instance runs the Discord gateway")
		return nil
	}
	err = b.open(ctx)
	b.mu.Lock()
	open := b.gw != nil
	b.mu.Unlock()
	if !open {
		// Not connected (a refused token, a wrong guild, an outage): the
		// lock goes back so it never blocks a healthy instance.
		b.releaseLeadership()
	}
	return err
}

func restCode(err error) (status, code int) {
	var re *discordgo.RESTError
	if errors.As(err, &re) {
		if re.Response != nil {
			status = re.Response.StatusCode
		}
		if re.Message != nil {
			code = re.Message.Code
		}
	}
	return status, code
}

func (b *Bot) setFatal(state, msg string, args ...any) {
	b.mu.Lock()
	b.fatal = state
	b.retryAt = b.now().Add(b.opt.IntentRetry)
	b.mu.Unlock()
	b.sayOnce("fatal:"+state, msg, args...)
	b.writeStatus(context.Background(), map[string]any{"connected": false, "state": state, "last_error": msg})
}

func (b *Bot) open(ctx context.Context) error {
	b.writeStatus(ctx, map[string]any{"state": StateConnecting, "instance": b.opt.Instance})
	me, err := b.rest.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		if b.refused(err) {
			return nil
		}
		return fmt.Errorf("discord: who am I: %w", err)
	}
	b.mu.Lock()
	b.botUserID = me.ID
	b.mu.Unlock()
	gid := b.GuildID(ctx)
	if gid == "" {
		b.sayOnce("noguild", "discord bot: no guild id; set PATT_DISCORD_GUILD_ID to the guild's id")
		b.writeStatus(ctx, map[string]any{"state": StateWrongGuild, "last_error": "no guild id set"})
		return nil
	}
	g, err := b.rest.Guild(gid, discordgo.WithContext(ctx))
	if err != nil {
		if st, _ := restCode(err); st == http.StatusNotFound || st == http.StatusForbidden {
			msg := fmt.Sprintf("the bot is not a member of guild %s (PATT_DISCORD_GUILD_ID): invite it with the OAuth2 URL or fix the id", gid)
			b.sayOnce("guild:"+gid, "discord bot: "+msg)
			b.writeStatus(ctx, map[string]any{"state": StateWrongGuild, "last_error": msg})
			return nil
		}
		return fmt.Errorf("discord: guild %s: %w", gid, err)
	}
	if ch := b.opt.AuditChannelID; ch != "" {
		c, err := b.rest.Channel(ch, discordgo.WithContext(ctx))
		if err != nil || c.GuildID != gid {
			b.sayOnce("audit:"+ch, "discord bot: PATT_AUDIT_CHANNEL_ID is not a channel of the guild", "channel", ch, "guild", gid, "err", err)
		}
	}
	s := b.session()
	b.addHandlers(s, gid)
	wait := b.opt.OpenBackoff
	for attempt := 1; ; attempt++ {
		err = s.Open()
		if err == nil {
			break
		}
		var ce *websocket.CloseError
		if errors.As(err, &ce) {
			switch ce.Code {
			case 4004:
				b.setFatal(StateBadToken, "discord bot off: the gateway refused PATT_DISCORD_TOKEN (4004 Authentication failed); the site keeps running without the bot")
				return nil
			case 4014:
				b.setFatal(StateNoIntent, fmt.Sprintf("discord gateway refused: enable the Server Members Intent (Bot → Privileged Gateway Intents) for the bot in the Discord developer portal (gateway close 4014 Disallowed intents); the site keeps running, posts and DMs still go out over REST, and the gateway is tried again every %s", b.opt.IntentRetry))
				return nil
			}
		}
		if attempt >= b.opt.OpenAttempts {
			b.writeStatus(ctx, map[string]any{"connected": false, "state": StateDisconnected, "last_error": err.Error()})
			return fmt.Errorf("discord gateway: %d attempts failed: %w", attempt, err)
		}
		b.log.Warn("discord gateway: open failed, retrying", "attempt", attempt, "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
	b.mu.Lock()
	b.gw = s
	b.mu.Unlock()
	b.log.Info("discord bot connected", "as", me.Username, "id", me.ID, "guild", g.Name)
	jobs.Report(ctx, "gateway connected as %s to %s", me.Username, g.Name)
	return nil
}

// ---- status row ----

func (b *Bot) writeStatus(ctx context.Context, fields map[string]any) {
	fields["updated_at"] = b.now()
	db := b.db.WithContext(context.WithoutCancel(ctx))
	var st models.BotStatus
	if err := db.Order("id").Limit(1).Find(&st).Error; err != nil {
		return
	}
	if st.ID == 0 {
		st = models.BotStatus{State: StateConnecting, Instance: b.opt.Instance, UpdatedAt: b.now()}
		if err := db.Create(&st).Error; err != nil {
			return
		}
	}
	if err := db.Model(&models.BotStatus{}).Where("id = ?", st.ID).Updates(fields).Error; err != nil {
		b.log.Warn("discord: write status", "err", err)
	}
}

// ---- notify.Notifier ----

// Enabled implements notify.Notifier: REST works on every instance as long
// as Discord has not refused the token.
func (b *Bot) Enabled() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.fatal != StateBadToken
}

// Post implements notify.Notifier: sends m to a channel, content longer
// than Discord's 2000 characters split over several messages, embed
// fields cut to Discord's limits. It returns the first message's id and
// succeeds only when Discord accepted every part.
func (b *Bot) Post(ctx context.Context, channelID string, m notify.Message) (string, error) {
	return b.send(ctx, channelID, m)
}

func (b *Bot) send(ctx context.Context, channelID string, m notify.Message) (string, error) {
	first := ""
	for _, part := range buildMessages(m) {
		msg, err := b.rest.ChannelMessageSendComplex(channelID, part, discordgo.WithContext(ctx))
		if err != nil {
			return first, discordErr(err)
		}
		if first == "" {
			first = msg.ID
		}
	}
	return first, nil
}

// DM implements notify.Notifier: the message goes to the outbox (gated by
// m.Kind's switch) and the discord-dm-outbox job delivers it.
func (b *Bot) DM(ctx context.Context, userID string, m notify.Message) error {
	_, err := outbox.Enqueue(ctx, b.db, b.now(), userID, m.Kind, m)
	return err
}

// SendDM delivers one DM now (the outbox's sender).
func (b *Bot) SendDM(ctx context.Context, userID string, m notify.Message) error {
	ch, err := b.rest.UserChannelCreate(userID, discordgo.WithContext(ctx))
	if err != nil {
		return discordErr(err)
	}
	_, err = b.send(ctx, ch.ID, m)
	return err
}

// SetRoles implements notify.Notifier: adds and removes roles of a member
// of the canonical guild, with an audit-log reason.
func (b *Bot) SetRoles(ctx context.Context, userID string, add, remove []string) error {
	gid := b.GuildID(ctx)
	if gid == "" {
		return errors.New("discord: no guild id configured")
	}
	var errs []error
	reason := discordgo.WithAuditLogReason("PATT rank sync")
	for _, r := range add {
		if err := b.rest.GuildMemberRoleAdd(gid, userID, r, reason, discordgo.WithContext(ctx)); err != nil {
			errs = append(errs, fmt.Errorf("add role %s: %w", r, discordErr(err)))
		}
	}
	for _, r := range remove {
		if err := b.rest.GuildMemberRoleRemove(gid, userID, r, reason, discordgo.WithContext(ctx)); err != nil {
			errs = append(errs, fmt.Errorf("remove role %s: %w", r, discordErr(err)))
		}
	}
	return errors.Join(errs...)
}

// discordErr turns a discordgo error into one that says Discord's code and
// message; codes that retrying cannot fix are marked outbox.Permanent.
func discordErr(err error) error {
	status, code := restCode(err)
	if status == 0 {
		return fmt.Errorf("discord: %w", err)
	}
	msg := ""
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		msg = re.Message.Message
	}
	e := fmt.Errorf("discord: HTTP %d, code %d: %s", status, code, msg)
	switch code {
	case 50007, 10013, 10003, 10007, 50035, 50006, 50001, 50013:
		// cannot DM, unknown user/channel/member, invalid form, empty
		// message, missing access, missing permissions
		return notify.Permanent(e)
	}
	switch status {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound:
		return notify.Permanent(e) // the same request will be refused again
	}
	return e
}

// ---- gateway events ----

func toMember(m *discordgo.Member) Member {
	out := Member{Nick: m.Nick, Roles: m.Roles, JoinedAt: m.JoinedAt}
	if m.User != nil {
		out.ID, out.Username, out.GlobalName, out.Bot = m.User.ID, m.User.Username, m.User.GlobalName, m.User.Bot
	}
	return out
}

func (b *Bot) eventCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, 30*time.Second)
}

func (b *Bot) addHandlers(s *discordgo.Session, gid string) {
	s.AddHandler(func(s *discordgo.Session, r *discordgo.Ready) {
		ctx, cancel := b.eventCtx()
		defer cancel()
		now := b.now()
		b.writeStatus(ctx, map[string]any{"connected": true, "state": StateConnected, "last_ready_at": now,
			"instance": b.opt.Instance, "last_error": nil})
	})
	s.AddHandler(func(s *discordgo.Session, r *discordgo.Resumed) {
		ctx, cancel := b.eventCtx()
		defer cancel()
		b.writeStatus(ctx, map[string]any{"connected": true, "state": StateConnected, "last_error": nil})
	})
	s.AddHandler(func(s *discordgo.Session, d *discordgo.Disconnect) {
		ctx, cancel := b.eventCtx()
		defer cancel()
		b.writeStatus(ctx, map[string]any{"connected": false, "state": StateDisconnected})
	})
	s.AddHandler(func(s *discordgo.Session, g *discordgo.GuildCreate) {
		if g.ID != gid {
			return
		}
		ctx, cancel := b.eventCtx()
		defer cancel()
		name, n := g.Name, g.MemberCount
		b.writeStatus(ctx, map[string]any{"guild_name": name, "member_count": n})
		// Catch up on members (joins and leaves missed while away).
		if err := s.RequestGuildMembers(gid, "", 0, "", false); err != nil {
			b.log.Warn("discord: request guild members", "err", err)
		}
	})
	s.AddHandler(func(s *discordgo.Session, c *discordgo.GuildMembersChunk) {
		if c.GuildID != gid {
			return
		}
		ctx, cancel := b.eventCtx()
		defer cancel()
		for _, m := range c.Members {
			b.memberEvent(ctx, toMember(m))
		}
	})
	s.AddHandler(func(s *discordgo.Session, e *discordgo.GuildMemberAdd) {
		if e.GuildID == gid && e.Member != nil {
			ctx, cancel := b.eventCtx()
			defer cancel()
			b.memberEvent(ctx, toMember(e.Member))
		}
	})
	s.AddHandler(func(s *discordgo.Session, e *discordgo.GuildMemberUpdate) {
		if e.GuildID == gid && e.Member != nil {
			ctx, cancel := b.eventCtx()
			defer cancel()
			b.memberEvent(ctx, toMember(e.Member))
		}
	})
	s.AddHandler(func(s *discordgo.Session, e *discordgo.GuildMemberRemove) {
		if e.GuildID == gid && e.Member != nil && e.Member.User != nil {
			ctx, cancel := b.eventCtx()
			defer cancel()
			if err := MemberLeft(ctx, b.db, b.now(), e.Member.User.ID); err != nil {
				b.log.Error("discord: member left", "err", err)
			}
		}
	})
	b.addOnboardingHandlers(s, gid)
}

// memberEvent records a member and, when their linked player's rank says
// so, moves their Discord rank role.
func (b *Bot) memberEvent(ctx context.Context, m Member) {
	if m.Bot {
		return
	}
	if err := MemberSeen(ctx, b.db, b.now(), m); err != nil {
		b.log.Error("discord: member event", "member", m.ID, "err", err)
		return
	}
	if _, err := b.pushRoles(ctx, m.ID, false); err != nil {
		b.log.Error("discord: role push", "member", m.ID, "err", err)
	}
}

// ---- member and role sync ----

// FetchMembers pages through the whole guild member list over REST.
func (b *Bot) FetchMembers(ctx context.Context) ([]Member, error) {
	gid := b.GuildID(ctx)
	if gid == "" {
		return nil, errors.New("discord: no guild id configured")
	}
	var out []Member
	after := ""
	for {
		page, err := b.rest.GuildMembers(gid, after, 1000, discordgo.WithContext(ctx))
		if err != nil {
			return nil, fmt.Errorf("%w (%w)", discordErr(err), err)
		}
		for _, m := range page {
			out = append(out, toMember(m))
		}
		if len(page) < 1000 {
			return out, nil
		}
		after = page[len(page)-1].User.ID
	}
}

// refused notes a 401: Discord refused the token, so the bot stops
// (logged once) instead of failing every job run.
func (b *Bot) refused(err error) bool {
	if st, _ := restCode(err); st == http.StatusUnauthorized {
		b.setFatal(StateBadToken, "discord bot off: Discord refused PATT_DISCORD_TOKEN (401 Unauthorized); the site keeps running without the bot")
		return true
	}
	return false
}

// SyncMembers is the discord-member-sync job: a full REST resync.
func (b *Bot) SyncMembers(ctx context.Context) error {
	if !b.Enabled() {
		return nil
	}
	members, err := b.FetchMembers(ctx)
	if err != nil {
		if b.refused(err) {
			return nil
		}
		return err
	}
	st, err := FullSync(ctx, b.db, b.now(), members)
	if err != nil {
		return err
	}
	summary, _ := json.Marshal(st)
	b.writeStatus(ctx, map[string]any{"last_member_sync_at": b.now(), "last_member_sync": string(summary)})
	return nil
}

// pushRoles gives members the role of their site rank and takes the other
// rank roles away (for one member, or everyone when discordID is empty),
// within the safeguards of spec §5:
//   - an Officer or Guild Leader role (a rank of level ≥ 4) is never taken
//     away automatically: the removal is reported for a human;
//   - in dry run nothing is changed in Discord and the report says what
//     would be;
//   - at most the cap's number of members change per run; the rest are
//     reported and wait for a later run (players whose rank just changed
//     on the site go first).
//
// A refused edit is recorded and not retried until the next full role
// sync (retryFailed).
func (b *Bot) pushRoles(ctx context.Context, discordID string, retryFailed bool) (RoleReport, error) {
	// One push at a time in this process: a gateway event's push and the
	// job's must not both plan the same edit before either applied it.
	b.pushMu.Lock()
	defer b.pushMu.Unlock()
	var rep RoleReport
	changes, err := planRoles(ctx, b.db, 0)
	if err != nil {
		return rep, err
	}
	rules, err := settings.LoadRoleRules(ctx, b.db)
	if err != nil {
		return rep, err
	}
	rep.DryRun, rep.Cap = rules.DryRun, rules.Cap
	ix, err := loadRanks(b.db.WithContext(ctx))
	if err != nil {
		return rep, err
	}
	rankOf := func(role string) string { return ix.byRole[role].Name }
	gid := b.GuildID(ctx)
	b.mu.Lock()
	if retryFailed {
		b.failed = map[string]bool{}
	}
	first := b.dirty
	if discordID == "" {
		b.dirty = map[int]bool{}
	}
	b.mu.Unlock()
	sort.SliceStable(changes, func(i, j int) bool { return first[changes[i].PlayerID] && !first[changes[j].PlayerID] })
	touched := 0
	for _, c := range changes {
		if discordID != "" && c.DiscordID != discordID {
			continue
		}
		line := func(action, role, why string) RoleFailure {
			return RoleFailure{DiscordID: c.DiscordID, Player: c.Player, RoleID: role, Rank: rankOf(role), Action: action, Error: why}
		}
		var remove []string
		for _, r := range c.Remove {
			if ix.byRole[r].Level >= identity.OfficerLevel {
				rep.Skipped = append(rep.Skipped, line("remove", r, fmt.Sprintf(
					"%s's rank is %s, but an %s role is never removed automatically: remove it by hand in Discord if that is right", c.Player, c.Rank, rankOf(r))))
				continue
			}
			remove = append(remove, r)
		}
		if len(c.Add)+len(remove) == 0 {
			continue
		}
		if rules.DryRun {
			for _, r := range c.Add {
				rep.Planned = append(rep.Planned, line("add", r, ""))
			}
			for _, r := range remove {
				rep.Planned = append(rep.Planned, line("remove", r, ""))
			}
			continue
		}
		if touched >= rules.Cap {
			why := fmt.Sprintf("over the cap of %d members changed per run: made in a later run", rules.Cap)
			for _, r := range c.Add {
				rep.Skipped = append(rep.Skipped, line("add", r, why))
			}
			for _, r := range remove {
				rep.Skipped = append(rep.Skipped, line("remove", r, why))
			}
			rep.OverCap++
			continue
		}
		touched++
		var added, removed []string
		edit := func(action, role string) {
			key := c.DiscordID + "|" + action + "|" + role
			b.mu.Lock()
			skip := b.failed[key]
			b.mu.Unlock()
			if skip {
				rep.Failures = append(rep.Failures, line(action, role, "refused earlier; retried at the next role sync"))
				return
			}
			reason := discordgo.WithAuditLogReason(fmt.Sprintf("PATT: %s's guild rank is %s", c.Player, c.Rank))
			var err error
			if action == "add" {
				err = b.rest.GuildMemberRoleAdd(gid, c.DiscordID, role, reason, discordgo.WithContext(ctx))
			} else {
				err = b.rest.GuildMemberRoleRemove(gid, c.DiscordID, role, reason, discordgo.WithContext(ctx))
			}
			if err != nil {
				err = discordErr(err)
				b.mu.Lock()
				b.failed[key] = true
				b.mu.Unlock()
				rep.Failures = append(rep.Failures, line(action, role, err.Error()))
				b.log.Warn("discord: role edit refused", "member", c.DiscordID, "role", role, "action", action, "err", err)
				return
			}
			if action == "add" {
				added = append(added, role)
			} else {
				removed = append(removed, role)
			}
		}
		for _, r := range c.Add {
			edit("add", r)
		}
		// The old rank role goes only once the new one is there: a refused
		// add must not leave the member with no rank role at all.
		if len(added) == len(c.Add) {
			for _, r := range remove {
				edit("remove", r)
			}
		}
		if len(added)+len(removed) > 0 {
			rep.Changed++
			if err := applyRoleChange(ctx, b.db, c, added, removed); err != nil {
				return rep, err
			}
		}
	}
	return rep, nil
}

// recordRoleRun keeps a role run's outcome for the settings page.
func (b *Bot) recordRoleRun(ctx context.Context, rep RoleReport) {
	js, _ := json.Marshal(rep)
	b.writeStatus(ctx, map[string]any{"last_role_run_at": b.now(), "last_role_run": string(js)})
}

// reportRoles says a role run's outcome in the job's summary.
func reportRoles(ctx context.Context, rep RoleReport) {
	if rep.DryRun {
		jobs.Report(ctx, "roles (dry run): %d edit(s) would be made, %d left for a human; nothing changed in Discord", len(rep.Planned), len(rep.Skipped))
		return
	}
	jobs.Report(ctx, "roles: %d member(s) changed, %d edit(s) refused, %d not made (officer roles left for a human, %d member(s) over the cap of %d)",
		rep.Changed, len(rep.Failures), len(rep.Skipped), rep.OverCap, rep.Cap)
}

// RanksChanged implements notify.RankWatcher: players' ranks (or their
// Discord links) changed on the site — an officer's action, a sync — so
// their Discord roles follow now, through a run of the role-push job
// (those players first), not at its next scheduled run. When the job is
// already running here, that run goes round once more.
func (b *Bot) RanksChanged(playerIDs ...int) {
	b.mu.Lock()
	for _, id := range playerIDs {
		b.dirty[id] = true
	}
	b.kicks++
	run := b.runJob
	b.mu.Unlock()
	if run == nil {
		return
	}
	if err := run(JobRolePush); err != nil && !errors.Is(err, jobs.ErrBusy) {
		b.log.Warn("discord: role push not started", "err", err)
	}
}

// UseJobs gives the bot the runner's RunNow, so site events start its jobs.
func (b *Bot) UseJobs(runNow func(name string) error) {
	b.mu.Lock()
	b.runJob = runNow
	b.mu.Unlock()
}

// PushRoles is the discord-role-push job: moves Discord roles of members
// whose site rank changed (an officer's edit, a roster sync); it runs
// every 2 minutes as a catch-up and at once on RanksChanged.
func (b *Bot) PushRoles(ctx context.Context) error {
	if !b.Enabled() {
		return nil
	}
	var total RoleReport
	for pass := 0; pass < 3; pass++ {
		b.mu.Lock()
		kicks := b.kicks
		b.mu.Unlock()
		rep, err := b.pushRoles(ctx, "", false)
		if err != nil {
			return err
		}
		total.DryRun, total.Cap, total.Changed = rep.DryRun, rep.Cap, total.Changed+rep.Changed
		total.Failures, total.Skipped, total.Planned, total.OverCap = rep.Failures, rep.Skipped, rep.Planned, rep.OverCap
		b.mu.Lock()
		again := b.kicks != kicks // a rank changed while this pass ran
		b.mu.Unlock()
		if !again {
			break
		}
	}
	b.recordRoleRun(ctx, total)
	if total.Changed > 0 || len(total.Failures)+len(total.Skipped)+len(total.Planned) > 0 {
		reportRoles(ctx, total)
	}
	return nil
}

// SyncRoles is the discord-role-sync job ("sync now" on the settings page
// and every role_sync_interval_hours): refresh the member list (which
// pulls ranks from Discord roles), push the site ranks' roles (retrying
// earlier refusals), check the role mapping, and record the result.
func (b *Bot) SyncRoles(ctx context.Context) error {
	if !b.Enabled() {
		return nil
	}
	if err := b.SyncMembers(ctx); err != nil && !errors.Is(err, ErrEmptyGuild) {
		return err
	}
	rep, err := b.pushRoles(ctx, "", true)
	if err != nil {
		return err
	}
	rep.Mapping, err = b.mappingCheck(ctx)
	if err != nil {
		return err
	}
	now := b.now()
	js, _ := json.Marshal(rep)
	b.writeStatus(ctx, map[string]any{"last_role_sync_at": now, "last_role_sync": string(js),
		"last_role_run_at": now, "last_role_run": string(js)})
	if err := b.db.WithContext(ctx).Model(&models.DiscordConfig{}).Where("1 = 1").Update("last_role_sync_at", now).Error; err != nil {
		return err
	}
	reportRoles(ctx, rep)
	if len(rep.Failures) > 0 {
		return fmt.Errorf("%d role edit(s) refused by Discord (see the bot settings page)", len(rep.Failures))
	}
	return nil
}

// mappingCheck says for each rank whether its Discord role exists, whether
// the bot may manage it (Manage Roles and a higher role of its own) and how
// many present members hold it.
func (b *Bot) mappingCheck(ctx context.Context) ([]RankRole, error) {
	gid := b.GuildID(ctx)
	roles, err := b.rest.GuildRoles(gid, discordgo.WithContext(ctx))
	if err != nil {
		return nil, discordErr(err)
	}
	b.mu.Lock()
	me := b.botUserID
	b.mu.Unlock()
	if me == "" {
		u, err := b.rest.User("@me", discordgo.WithContext(ctx))
		if err != nil {
			return nil, discordErr(err)
		}
		me = u.ID
	}
	bm, err := b.rest.GuildMember(gid, me, discordgo.WithContext(ctx))
	if err != nil {
		return nil, discordErr(err)
	}
	byID := map[string]*discordgo.Role{}
	for _, r := range roles {
		byID[r.ID] = r
	}
	top, canManage := -1, false
	for _, id := range bm.Roles {
		if r := byID[id]; r != nil {
			top = max(top, r.Position)
			if r.Permissions&(discordgo.PermissionManageRoles|discordgo.PermissionAdministrator) != 0 {
				canManage = true
			}
		}
	}
	ix, err := loadRanks(b.db.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	var present []models.DiscordUser
	if err := b.db.WithContext(ctx).Where("is_present = ?", true).Find(&present).Error; err != nil {
		return nil, err
	}
	holders := map[string]int{}
	for _, du := range present {
		var held []string
		_ = json.Unmarshal(du.AllGuildRoles, &held)
		for _, id := range held {
			holders[id]++
		}
	}
	var out []RankRole
	for i := len(ix.ranks) - 1; i >= 0; i-- {
		r := ix.ranks[i]
		rr := RankRole{Rank: r.Name, Level: r.Level}
		if r.DiscordRoleID != nil {
			rr.RoleID = *r.DiscordRoleID
			if dr := byID[rr.RoleID]; dr != nil {
				rr.Exists, rr.RoleName = true, dr.Name
				rr.Manageable = canManage && dr.Position < top
			}
			rr.Holders = holders[rr.RoleID]
		}
		out = append(out, rr)
	}
	return out, nil
}

// FromConfig builds the bot from the app's settings.
func FromConfig(db *gorm.DB, cfg *config.Config, log *slog.Logger, clock func() time.Time) *Bot {
	return New(db, Options{Token: cfg.DiscordToken, GuildID: cfg.DiscordGuildID, APIURL: cfg.DiscordAPIURL,
		AuditChannelID: cfg.AuditChannelID}, log, clock)
}

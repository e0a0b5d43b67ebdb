// Package wowsim runs the PATTSync addon's Lua under gopher-lua with a
// stand-in for the parts of the WoW client API it calls: the guild roster
// functions, frames and events, C_Timer on a virtual clock, slash
// commands, print. It exists for tests (the addon's own and the end-to-end
// test of addon → companion → site); nothing in the server imports it.
//
// The stubs are deliberately strict: calling a WoW function the simulator
// does not provide fails the test with "attempt to call a nil value", and
// Lua's os and io libraries are absent as they are in the game.
package wowsim

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"patt/addon"
)

// Member is one guild roster entry, as GetGuildRosterInfo returns it.
type Member struct {
	FullName          string // "Name-Realm", realm without spaces
	RankName          string
	RankIndex         int
	Level             int
	Class             string // display name, e.g. "Death Knight"
	ClassFile         string // e.g. "DEATHKNIGHT"
	Zone              string
	Note              string
	OfficerNote       string
	Online            bool
	AchievementPoints int
	GUID              string
	// LastOnline is years, months, days, hours since the member logged
	// off (GetGuildRosterLastOnline); nil for "no data".
	LastOnline *[4]int
}

// Client is one simulated game client with the addon loaded.
type Client struct {
	L *lua.LState

	Now             time.Time // the virtual clock
	InGuild         bool
	GuildName       string
	GuildRealm      string // "" → GetGuildInfo returns nil (same realm as the player)
	PlayerName      string
	PlayerGUID      string
	Realm           string // display form, e.g. "Bleeding Hollow"
	NormalizedRealm string
	OfficerNotes    bool // C_GuildInfo.CanViewOfficerNote()
	Roster          []Member
	// AnswerRosterRequests makes C_GuildInfo.GuildRoster() fire
	// GUILD_ROSTER_UPDATE at once (the server answering); false leaves
	// the request unanswered, as on a disconnect.
	AnswerRosterRequests bool
	// EmptyRosterAnswers is how many roster answers still report zero
	// members before the real roster arrives.
	EmptyRosterAnswers int

	RosterRequests int
	Printed        []string

	frames []*lua.LTable
	timers []timer
	seq    int
}

type timer struct {
	at  time.Time
	seq int
	fn  *lua.LFunction
}

// New starts a client at the given time, with no addon loaded yet.
func New(now time.Time) *Client {
	c := &Client{
		Now: now, InGuild: true, GuildName: "Pull All The Things",
		PlayerName: "Trogmoon", PlayerGUID: "Player-3676-0ABCDEF1",
		Realm: "Sen'jin", NormalizedRealm: "Senjin", OfficerNotes: true,
		AnswerRosterRequests: true,
	}
	c.L = lua.NewState(lua.Options{SkipOpenLibs: true})
	for _, lib := range []struct {
		name string
		fn   lua.LGFunction
	}{{lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString}, {lua.MathLibName, lua.OpenMath}} {
		c.L.Push(c.L.NewFunction(lib.fn))
		c.L.Push(lua.LString(lib.name))
		c.L.Call(1, 0)
	}
	for _, name := range []string{"dofile", "loadfile", "require", "module"} {
		c.L.SetGlobal(name, lua.LNil)
	}
	c.install()
	return c
}

// Close releases the Lua state.
func (c *Client) Close() { c.L.Close() }

// LoadSavedVariables runs a SavedVariables file before the addon loads,
// as WoW does at login.
func (c *Client) LoadSavedVariables(src []byte) error {
	return c.L.DoString(string(src))
}

// LoadAddon runs PATTSync.lua with WoW's varargs (addon name, namespace
// table) and fires ADDON_LOADED for it.
func (c *Client) LoadAddon() error {
	src, err := fs.ReadFile(addon.Files, "PATTSync/PATTSync.lua")
	if err != nil {
		return err
	}
	fn, err := c.L.Load(strings.NewReader(string(src)), "@PATTSync.lua")
	if err != nil {
		return err
	}
	c.L.Push(fn)
	c.L.Push(lua.LString(addon.Name))
	c.L.Push(c.L.NewTable())
	if err := c.L.PCall(2, 0, nil); err != nil {
		return err
	}
	return c.Fire("ADDON_LOADED", lua.LString(addon.Name))
}

// Fire delivers an event to every frame registered for it.
func (c *Client) Fire(event string, args ...lua.LValue) error {
	for _, f := range c.frames {
		events, _ := c.L.GetField(f, "__events").(*lua.LTable)
		if events == nil || events.RawGetString(event) != lua.LTrue {
			continue
		}
		h, ok := c.L.GetField(f, "__OnEvent").(*lua.LFunction)
		if !ok {
			continue
		}
		call := append([]lua.LValue{f, lua.LString(event)}, args...)
		if err := c.L.CallByParam(lua.P{Fn: h, NRet: 0, Protect: true}, call...); err != nil {
			return fmt.Errorf("%s handler: %w", event, err)
		}
	}
	return nil
}

// Slash runs a slash command line such as "/pattsync debug".
func (c *Client) Slash(line string) error {
	cmd, rest, _ := strings.Cut(strings.TrimSpace(line), " ")
	list, _ := c.L.GetGlobal("SlashCmdList").(*lua.LTable)
	if list == nil {
		return fmt.Errorf("no slash commands registered")
	}
	var found *lua.LFunction
	list.ForEach(func(k, v lua.LValue) {
		key := k.String()
		for i := 1; ; i++ {
			alias := c.L.GetGlobal(fmt.Sprintf("SLASH_%s%d", key, i))
			if alias == lua.LNil {
				break
			}
			if strings.EqualFold(alias.String(), cmd) {
				found, _ = v.(*lua.LFunction)
			}
		}
	})
	if found == nil {
		return fmt.Errorf("unknown slash command %s", cmd)
	}
	return c.L.CallByParam(lua.P{Fn: found, NRet: 0, Protect: true}, lua.LString(rest))
}

// Advance moves the virtual clock forward, firing due C_Timer callbacks in
// time order (a callback may schedule more).
func (c *Client) Advance(d time.Duration) error {
	end := c.Now.Add(d)
	for {
		sort.Slice(c.timers, func(i, j int) bool {
			if c.timers[i].at.Equal(c.timers[j].at) {
				return c.timers[i].seq < c.timers[j].seq
			}
			return c.timers[i].at.Before(c.timers[j].at)
		})
		if len(c.timers) == 0 || c.timers[0].at.After(end) {
			break
		}
		t := c.timers[0]
		c.timers = c.timers[1:]
		c.Now = t.at
		if err := c.L.CallByParam(lua.P{Fn: t.fn, NRet: 0, Protect: true}); err != nil {
			return fmt.Errorf("timer: %w", err)
		}
	}
	c.Now = end
	return nil
}

// PendingTimers is how many C_Timer callbacks are waiting.
func (c *Client) PendingTimers() int { return len(c.timers) }

// Output is everything the addon printed, colour codes removed, one line
// per print.
func (c *Client) Output() string { return strings.Join(c.Printed, "\n") }

func (c *Client) install() {
	L := c.L
	set := func(name string, fn lua.LGFunction) { L.SetGlobal(name, L.NewFunction(fn)) }

	set("print", func(L *lua.LState) int {
		parts := make([]string, L.GetTop())
		for i := range parts {
			parts[i] = L.ToStringMeta(L.Get(i + 1)).String()
		}
		c.Printed = append(c.Printed, stripColours(strings.Join(parts, " ")))
		return 0
	})
	set("time", func(L *lua.LState) int { L.Push(lua.LNumber(c.Now.Unix())); return 1 })
	set("GetServerTime", func(L *lua.LState) int { L.Push(lua.LNumber(c.Now.Unix())); return 1 })
	set("date", func(L *lua.LState) int {
		format := L.OptString(1, "%c")
		t := c.Now
		if L.GetTop() >= 2 {
			t = time.Unix(int64(L.CheckNumber(2)), 0)
		}
		if strings.HasPrefix(format, "!") {
			format, t = format[1:], t.UTC()
		}
		L.Push(lua.LString(strftime(format, t)))
		return 1
	})
	set("IsInGuild", func(L *lua.LState) int { L.Push(lua.LBool(c.InGuild)); return 1 })
	set("GetNumGuildMembers", func(L *lua.LState) int {
		n := len(c.Roster)
		if !c.InGuild || c.EmptyRosterAnswers > 0 {
			n = 0
		}
		L.Push(lua.LNumber(n))
		L.Push(lua.LNumber(n))
		L.Push(lua.LNumber(n))
		return 3
	})
	set("GetGuildRosterInfo", func(L *lua.LState) int {
		i := L.CheckInt(1)
		if i < 1 || i > len(c.Roster) {
			return 0
		}
		m := c.Roster[i-1]
		officer := lua.LValue(lua.LString(m.OfficerNote))
		if !c.OfficerNotes {
			officer = lua.LString("") // WoW hands back "" without the permission
		}
		for _, v := range []lua.LValue{
			lua.LString(m.FullName), lua.LString(m.RankName), lua.LNumber(m.RankIndex), lua.LNumber(m.Level),
			lua.LString(m.Class), lua.LString(m.Zone), lua.LString(m.Note), officer, lua.LBool(m.Online),
			lua.LNumber(0), lua.LString(m.ClassFile), lua.LNumber(m.AchievementPoints), lua.LNumber(0),
			lua.LFalse, lua.LFalse, lua.LNumber(4), lua.LString(m.GUID),
		} {
			L.Push(v)
		}
		return 17
	})
	set("GetGuildRosterLastOnline", func(L *lua.LState) int {
		i := L.CheckInt(1)
		if i < 1 || i > len(c.Roster) || c.Roster[i-1].LastOnline == nil {
			return 0
		}
		for _, n := range c.Roster[i-1].LastOnline {
			L.Push(lua.LNumber(n))
		}
		return 4
	})
	set("GetGuildInfo", func(L *lua.LState) int {
		if !c.InGuild {
			return 0
		}
		L.Push(lua.LString(c.GuildName))
		L.Push(lua.LString("Officer"))
		L.Push(lua.LNumber(1))
		if c.GuildRealm == "" {
			L.Push(lua.LNil)
		} else {
			L.Push(lua.LString(c.GuildRealm))
		}
		return 4
	})
	set("UnitName", func(L *lua.LState) int { L.Push(lua.LString(c.PlayerName)); return 1 })
	set("UnitGUID", func(L *lua.LState) int { L.Push(lua.LString(c.PlayerGUID)); return 1 })
	set("GetRealmName", func(L *lua.LState) int { L.Push(lua.LString(c.Realm)); return 1 })
	set("GetNormalizedRealmName", func(L *lua.LState) int { L.Push(lua.LString(c.NormalizedRealm)); return 1 })
	set("hooksecurefunc", func(L *lua.LState) int {
		name := L.CheckString(1)
		post := L.CheckFunction(2)
		orig, ok := L.GetGlobal(name).(*lua.LFunction)
		if !ok {
			L.RaiseError("hooksecurefunc: %s is not a function", name)
		}
		L.SetGlobal(name, L.NewFunction(func(L *lua.LState) int {
			args := make([]lua.LValue, L.GetTop())
			for i := range args {
				args[i] = L.Get(i + 1)
			}
			L.CallByParam(lua.P{Fn: orig, NRet: 0, Protect: false}, args...)
			L.CallByParam(lua.P{Fn: post, NRet: 0, Protect: false}, args...)
			return 0
		}))
		return 0
	})
	set("ToggleGuildFrame", func(L *lua.LState) int { return 0 })
	L.SetGlobal("SlashCmdList", L.NewTable())

	guildInfo := L.NewTable()
	L.SetField(guildInfo, "GuildRoster", L.NewFunction(func(L *lua.LState) int {
		c.RosterRequests++
		if c.AnswerRosterRequests {
			if c.EmptyRosterAnswers > 0 {
				defer func() { c.EmptyRosterAnswers-- }()
			}
			if err := c.Fire("GUILD_ROSTER_UPDATE", lua.LFalse); err != nil {
				L.RaiseError("%v", err)
			}
		}
		return 0
	}))
	L.SetField(guildInfo, "CanViewOfficerNote", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LBool(c.OfficerNotes))
		return 1
	}))
	L.SetGlobal("C_GuildInfo", guildInfo)

	timerLib := L.NewTable()
	L.SetField(timerLib, "After", L.NewFunction(func(L *lua.LState) int {
		secs := float64(L.CheckNumber(1))
		fn := L.CheckFunction(2)
		c.seq++
		c.timers = append(c.timers, timer{at: c.Now.Add(time.Duration(secs * float64(time.Second))), seq: c.seq, fn: fn})
		return 0
	}))
	L.SetGlobal("C_Timer", timerLib)

	set("CreateFrame", func(L *lua.LState) int {
		f := L.NewTable()
		L.SetField(f, "__events", L.NewTable())
		mt := L.NewTable()
		methods := L.NewTable()
		L.SetField(methods, "RegisterEvent", L.NewFunction(func(L *lua.LState) int {
			self := L.CheckTable(1)
			L.GetField(self, "__events").(*lua.LTable).RawSetString(L.CheckString(2), lua.LTrue)
			return 0
		}))
		L.SetField(methods, "UnregisterEvent", L.NewFunction(func(L *lua.LState) int {
			self := L.CheckTable(1)
			L.GetField(self, "__events").(*lua.LTable).RawSetString(L.CheckString(2), lua.LNil)
			return 0
		}))
		L.SetField(methods, "SetScript", L.NewFunction(func(L *lua.LState) int {
			self := L.CheckTable(1)
			if L.CheckString(2) != "OnEvent" {
				L.RaiseError("wowsim: only OnEvent scripts are simulated")
			}
			L.SetField(self, "__OnEvent", L.Get(3))
			return 0
		}))
		L.SetField(mt, "__index", methods)
		L.SetMetatable(f, mt)
		c.frames = append(c.frames, f)
		L.Push(f)
		return 1
	})
}

func stripColours(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '|' && i+1 < len(s) {
			switch s[i+1] {
			case 'c':
				if i+10 <= len(s) {
					i += 9
					continue
				}
			case 'r':
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// strftime knows the directives the addon uses.
func strftime(format string, t time.Time) string {
	r := strings.NewReplacer("%Y", t.Format("2006"), "%m", t.Format("01"), "%d", t.Format("02"),
		"%H", t.Format("15"), "%M", t.Format("04"), "%S", t.Format("05"), "%c", t.Format(time.ANSIC))
	return r.Replace(format)
}

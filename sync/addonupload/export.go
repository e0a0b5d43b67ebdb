// Package addonupload takes in what the PATTSync addon exported (uploaded
// by the companion, or by anyone holding an uploader key): it decodes the
// upload, checks it, and writes notes, rank, level, GUID and last-online to
// the guild's characters in one transaction, idempotently. It also owns the
// uploader keys officers hand out. It knows nothing of HTTP.
package addonupload

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"patt/addon"
	"patt/addon/savedvars"
	"patt/fault"
)

// MaxBodyBytes caps an upload. A 1000-member guild exports about 400 KiB of
// SavedVariables; 4 MiB leaves room without letting a client park a large
// body in memory. (The parser's own cap is higher; this one applies first.)
const MaxBodyBytes = 4 << 20

// MaxMembers is the most roster entries accepted (WoW's guild cap is 1000).
const MaxMembers = 5000

// SchemaVersions lists the export formats understood: 1 is the original
// addon (no schemaVersion field, no GUIDs), 2 adds GUIDs, exporter, guild
// realm and readable-officer-notes information.
var SchemaVersions = []int{1, 2}

// Export is one roster export, whichever way it was uploaded.
type Export struct {
	SchemaVersion int      `json:"schema_version"`
	ExportTime    int64    `json:"export_time"`
	AddonVersion  string   `json:"addon_version"`
	GuildName     string   `json:"guild_name"`
	GuildRealm    string   `json:"guild_realm"`
	ExporterName  string   `json:"exporter_name"`
	ExporterRealm string   `json:"exporter_realm"`
	ExporterGUID  string   `json:"exporter_guid"`
	Characters    []Member `json:"characters"`
}

// Member is one roster entry. OfficerNote is nil when the exporter could
// not read officer notes: the stored note is then left alone.
// LastOnlineHours is nil when the game had no data.
type Member struct {
	Name            string  `json:"name"`
	Realm           string  `json:"realm"`
	GUID            string  `json:"guid"`
	Rank            *int    `json:"rank"`
	RankName        string  `json:"rank_name"`
	Level           int     `json:"level"`
	Class           string  `json:"class"`
	Zone            string  `json:"zone"`
	Note            string  `json:"guild_note"`
	OfficerNote     *string `json:"officer_note"`
	IsOnline        bool    `json:"is_online"`
	LastOnline      string  `json:"last_online"`
	LastOnlineHours *int64  `json:"last_online_hours"`
}

// DecodeSavedVariables reads a PATTSync.lua SavedVariables file (parsed,
// never executed) into an Export.
func DecodeSavedVariables(src []byte) (*Export, error) {
	db, err := savedvars.ParseVariable(src, addon.SavedVariable)
	if err != nil {
		if errors.Is(err, savedvars.ErrNotFound) {
			return nil, fault.Wrap(fault.KindInvalid, "The file has no PATTSyncDB table: is it the PATTSync SavedVariables file?", err)
		}
		return nil, fault.Wrap(fault.KindMalformed, err.Error(), err)
	}
	last := db.Table("lastExport")
	if last == nil {
		return nil, fault.Invalid("lastExport", "PATTSyncDB has no export yet: type /pattsync in game, then /reload.")
	}
	e := &Export{
		SchemaVersion: int(last.Int("schemaVersion")),
		ExportTime:    last.Int("exportTime"),
		AddonVersion:  last.String("addonVersion"),
		GuildName:     last.String("guildName"),
		GuildRealm:    last.String("guildRealm"),
	}
	if _, ok := last.Lookup("schemaVersion"); !ok {
		e.SchemaVersion = 1
	}
	if ex := last.Table("exporter"); ex != nil {
		e.ExporterName, e.ExporterRealm, e.ExporterGUID = ex.String("name"), ex.String("realm"), ex.String("guid")
	}
	chars := last.Table("characters")
	if chars == nil {
		return nil, fault.Invalid("characters", "The export has no characters list.")
	}
	for i, v := range chars.Items() {
		c, ok := v.(*savedvars.Table)
		if !ok {
			return nil, fault.Invalid("characters", fmt.Sprintf("Character %d is not a table.", i+1))
		}
		m := Member{
			Name: c.String("name"), Realm: c.String("realm"), GUID: c.String("guid"),
			RankName: c.String("rankName"), Level: int(clampInt(c.Int("level"))), Class: c.String("class"),
			Zone: c.String("zone"), Note: c.String("note"), IsOnline: c.Bool("isOnline"), LastOnline: c.String("lastOnline"),
		}
		if _, ok := c.Get("rank").(int64); ok {
			r := int(clampInt(c.Int("rank")))
			m.Rank = &r
		}
		if on, ok := c.Lookup("officerNote"); ok {
			s, _ := on.(string)
			m.OfficerNote = &s
		} else if e.SchemaVersion == 1 {
			// The original addon always wrote the field; absent means "".
			empty := ""
			m.OfficerNote = &empty
		}
		if h, ok := c.Get("lastOnlineHours").(int64); ok {
			m.LastOnlineHours = &h
		}
		e.Characters = append(e.Characters, m)
	}
	return e, nil
}

func clampInt(v int64) int64 {
	return max(min(v, math.MaxInt32), math.MinInt32)
}

// DecodeJSON reads the JSON form of an upload: the fields of Export, or
// the original companion's {"characters":[…], "addon_version":…}.
func DecodeJSON(src []byte) (*Export, error) {
	var e Export
	dec := json.NewDecoder(strings.NewReader(string(src)))
	if err := dec.Decode(&e); err != nil {
		return nil, fault.Wrap(fault.KindMalformed, "The upload is not valid JSON: "+jsonProblem(err), err)
	}
	if e.SchemaVersion == 0 {
		e.SchemaVersion = 1
	}
	return &e, nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%s at byte %d", se.Error(), se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("field %q has the wrong type (got a JSON %s)", te.Field, te.Value)
	}
	return err.Error()
}

// Validate checks an export before anything is written and cleans its
// strings (the database refuses NUL bytes and invalid UTF-8).
func (e *Export) Validate() error {
	known := false
	for _, v := range SchemaVersions {
		known = known || v == e.SchemaVersion
	}
	if !known {
		return fault.Invalid("schema_version", fmt.Sprintf("Unknown export schema version %d: this site understands versions %d to %d. Update the site or use a matching PATTSync.", e.SchemaVersion, SchemaVersions[0], SchemaVersions[len(SchemaVersions)-1]))
	}
	if len(e.Characters) == 0 {
		return fault.Invalid("characters", "No character data provided.")
	}
	if len(e.Characters) > MaxMembers {
		return fault.Invalid("characters", fmt.Sprintf("Too many characters (%d); a guild has at most 1000.", len(e.Characters)))
	}
	if e.ExportTime <= 0 {
		return fault.Invalid("export_time", "The export has no export time.")
	}
	e.AddonVersion = clean(e.AddonVersion, 20)
	e.GuildName = clean(e.GuildName, 100)
	e.GuildRealm = clean(e.GuildRealm, 100)
	e.ExporterName = clean(e.ExporterName, 50)
	e.ExporterRealm = clean(e.ExporterRealm, 100)
	e.ExporterGUID = clean(e.ExporterGUID, 40)
	for i := range e.Characters {
		m := &e.Characters[i]
		m.Name = clean(m.Name, 50)
		m.Realm = clean(m.Realm, 100)
		m.GUID = clean(m.GUID, 40)
		m.RankName = clean(m.RankName, 50)
		m.Note = clean(m.Note, 500)
		if m.OfficerNote != nil {
			s := clean(*m.OfficerNote, 500)
			m.OfficerNote = &s
		}
	}
	return nil
}

// clean trims, drops NUL bytes and invalid UTF-8, and caps the length (in
// runes; WoW notes are at most 31 characters, names 12, so caps only
// matter for hand-made uploads).
func clean(s string, maxRunes int) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "")
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxRunes {
		s = string([]rune(s)[:maxRunes])
	}
	return s
}

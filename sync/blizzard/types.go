package blizzard

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// ClassNames maps playable-class ids to names (13 retail classes).
var ClassNames = map[int]string{
	1: "Warrior", 2: "Paladin", 3: "Hunter", 4: "Rogue", 5: "Priest", 6: "Death Knight",
	7: "Shaman", 8: "Mage", 9: "Warlock", 10: "Monk", 11: "Druid", 12: "Demon Hunter", 13: "Evoker",
}

type ref struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// RosterMember is one entry of a guild roster.
type RosterMember struct {
	Character struct {
		ID            int64  `json:"id"`
		Name          string `json:"name"`
		Realm         ref    `json:"realm"`
		Level         int    `json:"level"`
		PlayableClass ref    `json:"playable_class"`
		PlayableRace  ref    `json:"playable_race"`
	} `json:"character"`
	Rank int `json:"rank"`
}

// Roster is GET /data/wow/guild/{realm}/{guild}/roster.
type Roster struct {
	Guild struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Realm ref    `json:"realm"`
	} `json:"guild"`
	Members []RosterMember `json:"members"`
}

// ClassName is the member's class name, or "" for an unknown id.
func (m RosterMember) ClassName() string { return ClassNames[m.Character.PlayableClass.ID] }

// Profile is GET /profile/wow/character/{realm}/{name}; Raw keeps the body.
type Profile struct {
	ID             int64  `json:"id"`
	Name           string `json:"name"`
	Realm          ref    `json:"realm"`
	Level          int    `json:"level"`
	CharacterClass ref    `json:"character_class"`
	ActiveSpec     *ref   `json:"active_spec"`
	Race           *ref   `json:"race"`
	Gender         *struct {
		Type string `json:"type"`
		Name string `json:"name"`
	} `json:"gender"`
	AchievementPoints  int   `json:"achievement_points"`
	LastLoginTimestamp int64 `json:"last_login_timestamp"` // epoch ms
	AverageItemLevel   int   `json:"average_item_level"`
	EquippedItemLevel  int   `json:"equipped_item_level"`

	Raw          json.RawMessage `json:"-"`
	LastModified time.Time       `json:"-"`
}

// SpecName is the active spec's name or "".
func (p *Profile) SpecName() string {
	if p.ActiveSpec == nil {
		return ""
	}
	return p.ActiveSpec.Name
}

// LastLogin is the last login as a time (zero when absent).
func (p *Profile) LastLogin() time.Time {
	if p.LastLoginTimestamp <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(p.LastLoginTimestamp).UTC()
}

// Roster fetches a guild's roster. A guild Blizzard does not know is
// ErrNotFound. Slugs are lowercased, as the API requires.
func (c *Client) Roster(ctx context.Context, realmSlug, guildSlug string) (*Roster, error) {
	var r Roster
	_, err := c.get(ctx, "/data/wow/guild/"+strings.ToLower(realmSlug)+"/"+strings.ToLower(guildSlug)+"/roster", c.Namespace(), time.Time{}, &r)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Profile fetches a character's profile. The name is lowercased and
// percent-encoded. ifModifiedSince, when non-zero, makes an unchanged
// profile answer ErrNotModified; a character Blizzard does not know is
// ErrNotFound.
func (c *Client) Profile(ctx context.Context, realmSlug, name string, ifModifiedSince time.Time) (*Profile, error) {
	var raw json.RawMessage
	mod, err := c.get(ctx, "/profile/wow/character/"+strings.ToLower(realmSlug)+"/"+strings.ToLower(name), c.Namespace(), ifModifiedSince, &raw)
	if err != nil {
		return nil, err
	}
	var p Profile
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	p.Raw, p.LastModified = raw, mod
	return &p, nil
}

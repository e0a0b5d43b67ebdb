package sync

import (
	"context"
	"errors"
	"fmt"
	"strings"
	stdsync "sync"
	"sync/atomic"
	"time"

	"gorm.io/datatypes"
	"gorm.io/gorm"

	"patt/identity"
	"patt/models"
	"patt/sync/blizzard"
)

// MaxRemovalShare is the share of active characters one roster sync may
// mark as gone without being forced (W1): a roster that suddenly lacks a
// fifth of the guild is more likely Blizzard's problem than a mass exodus.
const MaxRemovalShare = 0.20

// ErrRemovalGuard is returned (wrapped) when a run refused to mark
// characters as gone because too many were missing.
var ErrRemovalGuard = errors.New("removal guard")

// RosterAPI is what the roster sync needs from Blizzard (the real client,
// or anything shaped like it).
type RosterAPI interface {
	Roster(ctx context.Context, realmSlug, guildSlug string) (*blizzard.Roster, error)
	Profile(ctx context.Context, realmSlug, name string, ifModifiedSince time.Time) (*blizzard.Profile, error)
}

// RosterStats are the outcome of one roster sync.
type RosterStats struct {
	Found, Updated, New int
	// Missing were absent for the first time (missing_since set); Removed
	// were absent twice in a row (removed_at set); Returned came back.
	Missing, Removed, Returned, Renamed                   int
	ProfilesFailed, ProfilesNotModified, ProfilesNotFound int
	// Held is how many absent characters the removal guard left alone.
	Held int
}

// Counts is what goes on the sync_log row.
func (s RosterStats) Counts() Counts {
	return Counts{Found: s.Found, Updated: s.Updated, New: s.New, Removed: s.Removed}
}

func (s RosterStats) String() string {
	return fmt.Sprintf("%d in roster: %d new, %d updated, %d returned, %d renamed, %d missing once, %d removed; profiles: %d unchanged, %d failed, %d not found",
		s.Found, s.New, s.Updated, s.Returned, s.Renamed, s.Missing, s.Removed, s.ProfilesNotModified, s.ProfilesFailed, s.ProfilesNotFound)
}

// RosterSync brings guild_identity.wow_characters in line with the
// Blizzard roster (spec guild_sync §4 with W1–W4).
type RosterSync struct {
	DB                   *gorm.DB
	API                  RosterAPI
	RealmSlug, GuildSlug string
	Clock                func() time.Time
	// Workers fetch profiles in parallel; the client's token bucket keeps
	// them within Blizzard's budget. Default 8.
	Workers int
	// Force lifts the removal-share guard (an officer confirmed the exodus).
	Force bool
	// Progress, when set, hears how many profiles are done.
	Progress func(stage string, done, total int)
}

type profileResult struct {
	profile *blizzard.Profile
	err     error
}

type charKey struct{ name, realm string }

func keyOf(name, realm string) charKey {
	return charKey{strings.ToLower(name), strings.ToLower(realm)}
}

// Run fetches the roster and every member's profile, then applies them in
// one transaction. A failed or empty roster is an error that changes
// nothing. A failed profile only skips the profile's fields. When the guard
// holds back removals, the updates are kept and the error wraps
// ErrRemovalGuard.
func (r *RosterSync) Run(ctx context.Context) (RosterStats, error) {
	var st RosterStats
	progress := r.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	progress("roster", 0, 0)
	roster, err := r.API.Roster(ctx, r.RealmSlug, r.GuildSlug)
	if err != nil {
		return st, fmt.Errorf("fetch roster of %s/%s (nothing was changed): %w", r.RealmSlug, r.GuildSlug, err)
	}
	if len(roster.Members) == 0 {
		return st, fmt.Errorf("Blizzard returned an empty roster for %s/%s; nothing was changed or removed", r.RealmSlug, r.GuildSlug)
	}
	st.Found = len(roster.Members)

	var existing []models.Character
	if err := r.DB.WithContext(ctx).Find(&existing).Error; err != nil {
		return st, fmt.Errorf("load characters: %w", err)
	}
	byID, byKey := map[int64]*models.Character{}, map[charKey]*models.Character{}
	for i := range existing {
		c := &existing[i]
		if c.BlizzardID != nil {
			byID[*c.BlizzardID] = c
		}
		byKey[keyOf(c.Name, c.RealmSlug)] = c
	}
	match := func(m blizzard.RosterMember) *models.Character {
		if c := byID[m.Character.ID]; c != nil && m.Character.ID != 0 {
			return c
		}
		return byKey[keyOf(m.Character.Name, m.Character.Realm.Slug)]
	}

	results := r.fetchProfiles(ctx, roster.Members, match, progress)
	if err := ctx.Err(); err != nil {
		return st, fmt.Errorf("roster sync stopped before saving (nothing was changed): %w", err)
	}
	progress("saving", len(roster.Members), len(roster.Members))
	var guardErr error
	err = r.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		guardErr, err = r.apply(tx, roster, results, match, existing, &st)
		return err
	})
	if err != nil {
		return st, fmt.Errorf("save roster: %w", err)
	}
	return st, guardErr
}

// fetchProfiles runs the worker pool; results[i] belongs to members[i].
func (r *RosterSync) fetchProfiles(ctx context.Context, members []blizzard.RosterMember, match func(blizzard.RosterMember) *models.Character, progress func(string, int, int)) []profileResult {
	workers := r.Workers
	if workers <= 0 {
		workers = 8
	}
	results := make([]profileResult, len(members))
	next := make(chan int)
	var done atomic.Int64
	total := len(members)
	step := max(1, total/50)
	var wg stdsync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				m := members[i]
				var ims time.Time
				// If-Modified-Since only for a copy of this very character
				// (not after a rename, transfer or absence).
				if c := match(m); c != nil && c.ProfileModifiedAt != nil && c.RemovedAt == nil &&
					c.Name == m.Character.Name && strings.EqualFold(c.RealmSlug, m.Character.Realm.Slug) {
					ims = *c.ProfileModifiedAt
				}
				p, err := r.API.Profile(ctx, m.Character.Realm.Slug, m.Character.Name, ims)
				results[i] = profileResult{profile: p, err: err}
				if n := int(done.Add(1)); n%step == 0 || n == total {
					progress("profiles", n, total)
				}
			}
		})
	}
	for i := range members {
		select {
		case next <- i:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(next)
	wg.Wait()
	return results
}

// apply writes the roster; it returns the guard's refusal separately from
// real errors, so the updates still commit.
func (r *RosterSync) apply(tx *gorm.DB, roster *blizzard.Roster, results []profileResult, match func(blizzard.RosterMember) *models.Character, existing []models.Character, st *RosterStats) (error, error) {
	now := r.Clock().UTC()
	ref, err := loadReference(tx)
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	rankChanged := map[int]bool{} // character ids whose rank or presence changed
	unmappedRanks := map[int]bool{}

	for i, m := range roster.Members {
		res := results[i]
		name, realm := m.Character.Name, strings.ToLower(m.Character.Realm.Slug)
		if realm == "" {
			realm = strings.ToLower(r.RealmSlug)
		}
		up := map[string]any{
			"character_name": name, "realm_slug": realm, "level": m.Character.Level,
			"wow_rank": m.Rank, "last_api_sync": now, "removed_at": nil, "missing_since": nil,
		}
		if m.Character.ID != 0 {
			up["blizzard_id"] = m.Character.ID
		}
		if id, ok := ref.classes[strings.ToLower(m.ClassName())]; ok {
			up["class_id"] = id
		}
		var rankID *int
		if id, ok := ref.ranks[m.Rank]; ok {
			rankID = &id
		} else {
			unmappedRanks[m.Rank] = true
		}
		up["guild_rank_id"] = rankID
		if strings.EqualFold(realm, roster.Guild.Realm.Slug) && roster.Guild.Realm.Name != "" {
			up["realm_name"] = roster.Guild.Realm.Name
		}
		switch {
		case res.err == nil && res.profile != nil:
			profileFields(up, res.profile, ref)
		case errors.Is(res.err, blizzard.ErrNotModified):
			st.ProfilesNotModified++
		case errors.Is(res.err, blizzard.ErrNotFound):
			st.ProfilesNotFound++
		default:
			st.ProfilesFailed++
		}

		c := match(m)
		if c == nil {
			row := newCharacter(up)
			if err := tx.Create(&row).Error; err != nil {
				return nil, fmt.Errorf("add %s-%s: %w", name, realm, err)
			}
			seen[row.ID] = true
			st.New++
			continue
		}
		seen[c.ID] = true
		if c.Name != name || !strings.EqualFold(c.RealmSlug, realm) {
			// Same Blizzard id, new name or realm: a rename or transfer.
			// Another row may still hold the new name (an old character of
			// that name); then keep the stored name rather than fail the run.
			var clash int64
			tx.Model(&models.Character{}).Where("id <> ? AND character_name = ? AND realm_slug = ?", c.ID, name, realm).Count(&clash)
			if clash > 0 {
				delete(up, "character_name")
				delete(up, "realm_slug")
			} else if !strings.EqualFold(c.Name, name) || !strings.EqualFold(c.RealmSlug, realm) {
				st.Renamed++
				if _, known := up["realm_name"]; !known && !strings.EqualFold(c.RealmSlug, realm) {
					up["realm_name"] = nil // the old realm's name no longer applies
				}
			}
		}
		if c.RemovedAt != nil {
			st.Returned++
			rankChanged[c.ID] = true
		}
		if !sameInt(c.GuildRankID, rankID) {
			rankChanged[c.ID] = true
		}
		if err := tx.Model(&models.Character{}).Where("id = ?", c.ID).Updates(up).Error; err != nil {
			return nil, fmt.Errorf("update %s-%s: %w", name, realm, err)
		}
		st.Updated++
	}

	// Absent characters: the first successful sync without one notes it
	// missing; the second marks it gone. Unless too many are absent at once.
	var absent []models.Character
	active := 0
	for _, c := range existing {
		if c.RemovedAt != nil {
			continue
		}
		active++
		if !seen[c.ID] {
			absent = append(absent, c)
		}
	}
	var guardErr error
	if !r.Force && len(absent) > 0 && float64(len(absent)) > MaxRemovalShare*float64(active) {
		st.Held = len(absent)
		guardErr = fmt.Errorf("%w: %d of %d active characters are missing from the roster (more than %d%%); none were marked gone — if they really left, run a forced sync",
			ErrRemovalGuard, len(absent), active, int(MaxRemovalShare*100))
		absent = nil
	}
	for _, c := range absent {
		if c.MissingSince == nil {
			if err := tx.Model(&models.Character{}).Where("id = ?", c.ID).Update("missing_since", now).Error; err != nil {
				return nil, err
			}
			st.Missing++
			continue
		}
		if err := tx.Model(&models.Character{}).Where("id = ?", c.ID).Update("removed_at", now).Error; err != nil {
			return nil, err
		}
		rankChanged[c.ID] = true
		st.Removed++
	}
	if len(unmappedRanks) > 0 {
		ranks := make([]int, 0, len(unmappedRanks))
		for k := range unmappedRanks {
			ranks = append(ranks, k)
		}
		logger().Warn("roster has WoW rank indexes no guild rank maps; set wow_rank_index under Reference Tables", "ranks", ranks)
	}
	return guardErr, rederiveRanks(tx, rankChanged)
}

// rederiveRanks runs the one rank rule for every player owning a character
// whose rank or presence changed.
func rederiveRanks(tx *gorm.DB, chars map[int]bool) error {
	if len(chars) == 0 {
		return nil
	}
	ids := make([]int, 0, len(chars))
	for id := range chars {
		ids = append(ids, id)
	}
	var players []int
	for chunk := range chunks(ids, 500) {
		var ps []int
		if err := tx.Model(&models.PlayerCharacter{}).Where("character_id IN ?", chunk).Distinct().Pluck("player_id", &ps).Error; err != nil {
			return err
		}
		players = append(players, ps...)
	}
	for _, pid := range players {
		if _, err := identity.DeriveRank(tx, pid); err != nil {
			return fmt.Errorf("derive rank of player %d: %w", pid, err)
		}
	}
	return nil
}

func chunks(ids []int, n int) func(func([]int) bool) {
	return func(yield func([]int) bool) {
		for len(ids) > 0 {
			k := min(n, len(ids))
			if !yield(ids[:k]) {
				return
			}
			ids = ids[k:]
		}
	}
}

func profileFields(up map[string]any, p *blizzard.Profile, ref reference) {
	if p.Name != "" {
		up["character_name"] = p.Name
	}
	if p.Realm.Name != "" {
		up["realm_name"] = p.Realm.Name
	}
	classID, ok := ref.classes[strings.ToLower(p.CharacterClass.Name)]
	if ok {
		up["class_id"] = classID
	}
	var spec *int
	if name := p.SpecName(); name != "" && ok {
		if id, found := ref.specs[specKey{classID, strings.ToLower(name)}]; found {
			spec = &id
		}
	}
	up["active_spec_id"] = spec
	if p.Level > 0 {
		up["level"] = p.Level
	}
	up["item_level"] = p.EquippedItemLevel
	up["average_item_level"] = p.AverageItemLevel
	up["achievement_points"] = p.AchievementPoints
	if t := p.LastLogin(); !t.IsZero() {
		up["last_login_at"] = t
	}
	if p.Race != nil {
		up["race"] = p.Race.Name
	}
	if p.Gender != nil {
		up["gender"] = p.Gender.Name
	}
	if len(p.Raw) > 0 {
		up["profile_json"] = datatypes.JSON(p.Raw)
	}
	if !p.LastModified.IsZero() {
		up["profile_modified_at"] = p.LastModified.UTC()
	}
}

// newCharacter builds the row to insert from the update map.
func newCharacter(up map[string]any) models.Character {
	c := models.Character{Name: up["character_name"].(string), RealmSlug: up["realm_slug"].(string)}
	get := func(k string) any { return up[k] }
	if v, ok := get("blizzard_id").(int64); ok {
		c.BlizzardID = &v
	}
	c.ClassID = intPtr(get("class_id"))
	c.ActiveSpecID = intPtr(get("active_spec_id"))
	c.Level = intPtr(get("level"))
	c.ItemLevel = intPtr(get("item_level"))
	c.AverageItemLevel = intPtr(get("average_item_level"))
	c.AchievementPoints = intPtr(get("achievement_points"))
	c.WowRank = intPtr(get("wow_rank"))
	c.GuildRankID = intPtr(get("guild_rank_id"))
	if v, ok := get("realm_name").(string); ok {
		c.RealmName = &v
	}
	if v, ok := get("race").(string); ok {
		c.Race = &v
	}
	if v, ok := get("gender").(string); ok {
		c.Gender = &v
	}
	if v, ok := get("last_login_at").(time.Time); ok {
		c.LastLoginAt = &v
	}
	if v, ok := get("profile_modified_at").(time.Time); ok {
		c.ProfileModifiedAt = &v
	}
	if v, ok := get("profile_json").(datatypes.JSON); ok {
		c.ProfileJSON = v
	}
	if v, ok := get("last_api_sync").(time.Time); ok {
		c.LastAPISync = &v
	}
	return c
}

func intPtr(v any) *int {
	switch x := v.(type) {
	case int:
		return &x
	case *int:
		return x
	}
	return nil
}

func sameInt(a, b *int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

type specKey struct {
	class int
	name  string
}

// reference is the lookup tables the roster needs.
type reference struct {
	ranks   map[int]int // wow_rank_index → guild_ranks.id
	classes map[string]int
	specs   map[specKey]int
}

func loadReference(tx *gorm.DB) (reference, error) {
	ref := reference{ranks: map[int]int{}, classes: map[string]int{}, specs: map[specKey]int{}}
	var ranks []models.GuildRank
	if err := tx.Where("wow_rank_index IS NOT NULL").Find(&ranks).Error; err != nil {
		return ref, fmt.Errorf("load ranks: %w", err)
	}
	for _, rk := range ranks {
		ref.ranks[*rk.WowRankIndex] = rk.ID
	}
	var classes []models.Class
	if err := tx.Find(&classes).Error; err != nil {
		return ref, fmt.Errorf("load classes: %w", err)
	}
	for _, c := range classes {
		ref.classes[strings.ToLower(c.Name)] = c.ID
	}
	var specs []models.Specialization
	if err := tx.Find(&specs).Error; err != nil {
		return ref, fmt.Errorf("load specializations: %w", err)
	}
	for _, s := range specs {
		ref.specs[specKey{s.ClassID, strings.ToLower(s.Name)}] = s.ID
	}
	return ref, nil
}

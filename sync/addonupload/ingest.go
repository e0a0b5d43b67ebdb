package addonupload

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"

	"patt/models"
)

// Upload statuses.
const (
	StatusApplied   = "applied"   // written to the characters
	StatusDuplicate = "duplicate" // the same export was received before: nothing changed
	StatusStale     = "stale"     // older than an export already applied: kept, nothing changed
)

// SyncLogSource is the sync_log source of addon uploads.
const SyncLogSource = "addon_upload"

// Change is one character an upload changed, and which fields.
type Change struct {
	CharacterID int      `json:"character_id"`
	Name        string   `json:"name"`
	Realm       string   `json:"realm"`
	MatchedBy   string   `json:"matched_by"` // guid, blizzard_id, name_realm
	Fields      []string `json:"fields"`
}

// Result says what an upload did; it is the API's answer and the upload
// row's summary.
type Result struct {
	Status     string   `json:"status"`
	UploadID   int      `json:"upload_id"`
	ExportTime int64    `json:"export_time"`
	Received   int      `json:"characters_received"`
	Matched    int      `json:"characters_matched"`
	Updated    int      `json:"characters_updated"`
	Unchanged  int      `json:"characters_unchanged"`
	NotFound   []string `json:"not_found"`
	Changes    []Change `json:"changes"`
}

// Changed reports whether the upload altered anything matching cares
// about (notes, rank, GUID), i.e. whether identity matching should run.
func (r *Result) Changed() bool { return r.Status == StatusApplied && r.Updated > 0 }

// Received is an upload as it arrived, for the audit row.
type Received struct {
	Uploader Uploader
	Body     []byte // stored as received (raw)
	Export   *Export
}

// ContentHash is the SHA-256 of the body, hex.
func ContentHash(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// Ingest applies one validated upload in a single transaction: recognise a
// duplicate (same exporter and export time, or the same bytes) or a stale
// export and change nothing; otherwise match each member to a character by
// GUID, then Blizzard id + realm, then name + realm (never name alone),
// and write notes, officer note (when the exporter could read it), rank,
// level, GUID, last online and addon_last_sync. Characters missing from the
// upload keep their notes. The run is recorded in sync_log and the upload
// in addon_uploads.
func Ingest(ctx context.Context, db *gorm.DB, in Received, now time.Time) (*Result, error) {
	if err := in.Export.Validate(); err != nil {
		return nil, err
	}
	var res *Result
	err := db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		res, err = ingest(tx, in, now)
		return err
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		// Two uploads of the same export raced; the other one won.
		return duplicateOf(db.WithContext(ctx), in)
	}
	if err != nil {
		recordFailure(db.WithContext(context.WithoutCancel(ctx)), now, err)
		return nil, err
	}
	return res, nil
}

func duplicateOf(db *gorm.DB, in Received) (*Result, error) {
	e := in.Export
	var prev models.AddonUpload
	err := db.Where("exporter_name = ? AND exporter_realm = ? AND export_time = ?", e.ExporterName, e.ExporterRealm, e.ExportTime).
		Or("content_hash = ?", ContentHash(in.Body)).Order("id").Limit(1).Find(&prev).Error
	if err != nil {
		return nil, fmt.Errorf("find earlier upload: %w", err)
	}
	if prev.ID == 0 {
		return nil, nil
	}
	return &Result{Status: StatusDuplicate, UploadID: prev.ID, ExportTime: e.ExportTime, Received: len(e.Characters),
		NotFound: []string{}, Changes: []Change{}}, nil
}

func ingest(tx *gorm.DB, in Received, now time.Time) (*Result, error) {
	e := in.Export
	if dup, err := duplicateOf(tx, in); err != nil || dup != nil {
		return dup, err
	}
	started := now
	res := &Result{Status: StatusApplied, ExportTime: e.ExportTime, Received: len(e.Characters), NotFound: []string{}, Changes: []Change{}}

	var newest *int64
	if err := tx.Model(&models.AddonUpload{}).Where("status = ?", StatusApplied).Select("MAX(export_time)").Scan(&newest).Error; err != nil {
		return nil, fmt.Errorf("newest applied export: %w", err)
	}
	if newest != nil && *newest > e.ExportTime {
		res.Status = StatusStale
	} else if err := apply(tx, e, now, res); err != nil {
		return nil, err
	}

	log := models.SyncLog{Source: SyncLogSource, Status: "success", StartedAt: started}
	found, updated := res.Received, res.Updated
	done := now
	dur := 0.0
	log.CharactersFound, log.CharactersUpdated, log.CompletedAt, log.DurationSeconds = &found, &updated, &done, &dur
	if res.Status == StatusStale {
		msg := fmt.Sprintf("stale export (%d) older than the newest applied (%d): nothing changed", e.ExportTime, *newest)
		log.ErrorMessage = &msg
	}
	if err := tx.Create(&log).Error; err != nil {
		return nil, fmt.Errorf("record sync log: %w", err)
	}

	summary, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	raw := string(in.Body)
	up := models.AddonUpload{
		UploaderID: in.Uploader.ID, UploaderName: in.Uploader.Name, Status: res.Status,
		SchemaVersion: e.SchemaVersion, AddonVersion: e.AddonVersion, ExportTime: e.ExportTime,
		ExporterName: e.ExporterName, ExporterRealm: e.ExporterRealm, GuildName: e.GuildName,
		MemberCount: len(e.Characters), ContentHash: ContentHash(in.Body), Summary: summary,
		Raw: &raw, SyncLogID: &log.ID, ReceivedAt: now,
	}
	if err := tx.Create(&up).Error; err != nil {
		return nil, fmt.Errorf("record upload: %w", err)
	}
	res.UploadID = up.ID
	return res, nil
}

// candidate is the part of a character matching and change detection need.
type candidate struct {
	ID               int
	CharacterName    string
	RealmSlug        string
	RealmName        *string
	BlizzardID       *int64
	AddonGUID        *string
	AddonNote        *string
	AddonOfficerNote *string
	Level            *int
	GuildRankID      *int
	RemovedAt        *time.Time
}

type index struct {
	byGUID      map[string]*candidate
	byBlizzard  map[string]*candidate // realmKey + "/" + id
	byNameRealm map[string]*candidate // lower name + "/" + realmKey
}

// put keeps an active character over a removed one under the same key,
// and the lower id among equals, so matching is deterministic.
func put(m map[string]*candidate, k string, c *candidate) {
	if old, ok := m[k]; ok {
		oldActive, newActive := old.RemovedAt == nil, c.RemovedAt == nil
		if oldActive && !newActive || oldActive == newActive && old.ID < c.ID {
			return
		}
	}
	m[k] = c
}

func apply(tx *gorm.DB, e *Export, now time.Time, res *Result) error {
	var chars []candidate
	if err := tx.Model(&models.Character{}).Find(&chars).Error; err != nil {
		return fmt.Errorf("load characters: %w", err)
	}
	idx := index{byGUID: map[string]*candidate{}, byBlizzard: map[string]*candidate{}, byNameRealm: map[string]*candidate{}}
	for i := range chars {
		c := &chars[i]
		realms := []string{RealmKey(c.RealmSlug)}
		if c.RealmName != nil && RealmKey(*c.RealmName) != realms[0] {
			realms = append(realms, RealmKey(*c.RealmName))
		}
		if c.AddonGUID != nil && *c.AddonGUID != "" {
			put(idx.byGUID, *c.AddonGUID, c)
		}
		for _, r := range realms {
			if c.BlizzardID != nil {
				put(idx.byBlizzard, r+"/"+strconv.FormatInt(*c.BlizzardID, 10), c)
			}
			put(idx.byNameRealm, strings.ToLower(c.CharacterName)+"/"+r, c)
		}
	}

	var ranks []models.GuildRank
	if err := tx.Where("wow_rank_index IS NOT NULL").Find(&ranks).Error; err != nil {
		return fmt.Errorf("load ranks: %w", err)
	}
	rankByIndex := map[int]int{}
	for _, r := range ranks {
		rankByIndex[*r.WowRankIndex] = r.ID
	}

	seen := map[int]bool{}
	var touched []int
	exportAt := time.Unix(e.ExportTime, 0).UTC()
	for _, m := range e.Characters {
		if m.Name == "" {
			continue
		}
		realm := m.Realm
		if realm == "" {
			realm = e.GuildRealm
		}
		c, how := match(idx, m, realm)
		label := m.Name + "-" + realm
		if c == nil {
			res.NotFound = append(res.NotFound, label)
			continue
		}
		if seen[c.ID] {
			continue // the same character listed twice: the first entry wins
		}
		seen[c.ID] = true
		res.Matched++
		touched = append(touched, c.ID)

		updates := map[string]any{}
		var fields []string
		if !eqStr(c.AddonNote, m.Note) {
			updates["addon_note"], fields = m.Note, append(fields, "guild_note")
		}
		if m.OfficerNote != nil && !eqStr(c.AddonOfficerNote, *m.OfficerNote) {
			updates["addon_officer_note"], fields = *m.OfficerNote, append(fields, "officer_note")
		}
		if m.GUID != "" && !eqStr(c.AddonGUID, m.GUID) {
			updates["addon_guid"], fields = m.GUID, append(fields, "guid")
		}
		if m.Rank != nil {
			if id, ok := rankByIndex[*m.Rank]; ok && (c.GuildRankID == nil || *c.GuildRankID != id) {
				updates["guild_rank_id"], fields = id, append(fields, "rank")
			}
		}
		if m.Level > 0 && (c.Level == nil || *c.Level != m.Level) {
			updates["level"], fields = m.Level, append(fields, "level")
		}
		// Last online moves with every export for anyone online, so it is
		// written but not reported as a change.
		if m.IsOnline {
			updates["addon_last_online_at"] = exportAt
		} else if m.LastOnlineHours != nil && *m.LastOnlineHours >= 0 && *m.LastOnlineHours < 24*365*30 {
			updates["addon_last_online_at"] = exportAt.Add(-time.Duration(*m.LastOnlineHours) * time.Hour)
		}
		if len(fields) > 0 {
			res.Updated++
			res.Changes = append(res.Changes, Change{CharacterID: c.ID, Name: c.CharacterName, Realm: c.RealmSlug, MatchedBy: how, Fields: fields})
		} else {
			res.Unchanged++
		}
		if len(updates) > 0 {
			if err := tx.Model(&models.Character{}).Where("id = ?", c.ID).Updates(updates).Error; err != nil {
				return fmt.Errorf("update character %d: %w", c.ID, err)
			}
		}
	}
	for len(touched) > 0 {
		n := min(len(touched), 500)
		if err := tx.Model(&models.Character{}).Where("id IN ?", touched[:n]).Update("addon_last_sync", now).Error; err != nil {
			return fmt.Errorf("stamp addon_last_sync: %w", err)
		}
		touched = touched[n:]
	}
	sort.Strings(res.NotFound)
	return nil
}

var guidPattern = regexp.MustCompile(`^Player-\d+-([0-9A-Fa-f]{1,16})$`)

// match finds the character for a roster entry: by GUID; then by the
// Blizzard character id (the GUID's last part, in hex) on the same realm —
// ids are only unique within a realm; then by name and realm. Never by
// name alone: two realms can each have a "Trog".
func match(idx index, m Member, realm string) (*candidate, string) {
	if m.GUID != "" {
		if c := idx.byGUID[m.GUID]; c != nil {
			return c, "guid"
		}
		if sm := guidPattern.FindStringSubmatch(m.GUID); sm != nil {
			if id, err := strconv.ParseInt(sm[1], 16, 64); err == nil {
				if c := idx.byBlizzard[RealmKey(realm)+"/"+strconv.FormatInt(id, 10)]; c != nil {
					return c, "blizzard_id"
				}
			}
		}
	}
	if c := idx.byNameRealm[strings.ToLower(m.Name)+"/"+RealmKey(realm)]; c != nil {
		return c, "name_realm"
	}
	return nil, ""
}

// RealmKey folds the realm spellings in play to one key: the slug
// ("bleeding-hollow", "senjin"), the display name ("Bleeding Hollow",
// "Sen'jin") and the in-game no-space form ("BleedingHollow") all become
// "bleedinghollow" / "senjin".
func RealmKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func eqStr(p *string, s string) bool { return p != nil && *p == s }

func recordFailure(db *gorm.DB, now time.Time, cause error) {
	msg := cause.Error()
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	done := now
	_ = db.Create(&models.SyncLog{Source: SyncLogSource, Status: "error", ErrorMessage: &msg, StartedAt: now, CompletedAt: &done}).Error
}

// RawRetention is how long the raw body of an upload is kept for audit.
const RawRetention = 30 * 24 * time.Hour

// PruneRaw clears the raw body of uploads older than RawRetention (the
// row and its summary stay). It returns how many were cleared.
func PruneRaw(ctx context.Context, db *gorm.DB, now time.Time) (int64, error) {
	r := db.WithContext(ctx).Model(&models.AddonUpload{}).
		Where("raw IS NOT NULL AND received_at < ?", now.Add(-RawRetention)).Update("raw", nil)
	return r.RowsAffected, r.Error
}

// LastUploads lists the newest uploads, for the officers' page.
func LastUploads(ctx context.Context, db *gorm.DB, limit int) ([]models.AddonUpload, error) {
	var out []models.AddonUpload
	err := db.WithContext(ctx).Omit("raw").Order("received_at DESC, id DESC").Limit(limit).Find(&out).Error
	return out, err
}

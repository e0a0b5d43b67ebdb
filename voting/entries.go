package voting

import (
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// EntryPatch is a change to an entry; nil fields are left alone. For a new
// entry Name is required and a nil SortOrder puts it last.
type EntryPatch struct {
	Name        *string
	Description *string
	ImageURL    *string
	SortOrder   *int
	PlayerID    *int
	ClearPlayer bool
}

func (p *EntryPatch) apply(e *models.CampaignEntry) error {
	f := map[string]string{}
	if p.Name != nil {
		n := strings.TrimSpace(*p.Name)
		switch {
		case n == "":
			f["name"] = "Name is required."
		case len([]rune(n)) > 200:
			f["name"] = "Name must be at most 200 characters."
		}
		e.Name = n
	}
	if p.Description != nil {
		e.Description = optString(strings.TrimSpace(*p.Description))
	}
	if p.ImageURL != nil {
		u, ok := NormalizeImageURL(*p.ImageURL)
		if !ok {
			f["image_url"] = "Paste an image link (https://…) or a Google Drive share link."
		}
		e.ImageURL = optString(u)
	}
	if p.SortOrder != nil {
		e.SortOrder = *p.SortOrder
	}
	if p.PlayerID != nil {
		e.PlayerID = p.PlayerID
	}
	if p.ClearPlayer {
		e.PlayerID = nil
	}
	if len(f) > 0 {
		return fault.InvalidFields("Please fix the highlighted fields.", f)
	}
	return nil
}

func draftOnly(tx *gorm.DB, campaignID int, verb string) (*models.Campaign, error) {
	var c models.Campaign
	if err := lockCampaign(tx, campaignID, &c, true); err != nil {
		return nil, err
	}
	if c.Status != StatusDraft {
		return nil, errorf(fault.KindConflict, "Entries can only be %s while campaign is in draft status", verb)
	}
	return &c, nil
}

// AddEntry adds an entry to a draft campaign.
func AddEntry(db *gorm.DB, campaignID int, p EntryPatch) (*models.CampaignEntry, error) {
	if p.Name == nil {
		empty := ""
		p.Name = &empty
	}
	e := &models.CampaignEntry{CampaignID: &campaignID}
	if err := p.apply(e); err != nil {
		return nil, err
	}
	err := db.Transaction(func(tx *gorm.DB) error {
		if _, err := draftOnly(tx, campaignID, "added"); err != nil {
			return err
		}
		if p.SortOrder == nil {
			var n int64
			if err := tx.Model(&models.CampaignEntry{}).Where("campaign_id = ?", campaignID).Count(&n).Error; err != nil {
				return err
			}
			e.SortOrder = int(n)
		}
		return tx.Create(e).Error
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// loadEntry reads an entry for a change. With a campaign id, an entry of
// another campaign is as missing as one that does not exist: the check comes
// before any write, so a wrong pair of ids changes nothing.
func loadEntry(tx *gorm.DB, campaignID *int, entryID int) (*models.CampaignEntry, error) {
	var e models.CampaignEntry
	err := tx.Where("id = ?", entryID).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && e.CampaignID == nil) {
		return nil, errorf(fault.KindNotFound, "Entry %d not found", entryID)
	}
	if err != nil {
		return nil, fmt.Errorf("load entry %d: %w", entryID, err)
	}
	if campaignID != nil && *e.CampaignID != *campaignID {
		return nil, errorf(fault.KindNotFound, "Entry %d not found in campaign %d", entryID, *campaignID)
	}
	return &e, nil
}

// UpdateEntry changes an entry of a draft campaign; the entry must belong
// to that campaign.
func UpdateEntry(db *gorm.DB, campaignID, entryID int, p EntryPatch) (*models.CampaignEntry, error) {
	return updateEntry(db, &campaignID, entryID, p)
}

// UpdateEntryByID changes an entry of whichever draft campaign holds it
// (the API addresses entries by their own id).
func UpdateEntryByID(db *gorm.DB, entryID int, p EntryPatch) (*models.CampaignEntry, error) {
	return updateEntry(db, nil, entryID, p)
}

func updateEntry(db *gorm.DB, campaignID *int, entryID int, p EntryPatch) (*models.CampaignEntry, error) {
	var e *models.CampaignEntry
	err := db.Transaction(func(tx *gorm.DB) error {
		var err error
		if e, err = loadEntry(tx, campaignID, entryID); err != nil {
			return err
		}
		if _, err := draftOnly(tx, *e.CampaignID, "edited"); err != nil {
			return err
		}
		if err := p.apply(e); err != nil {
			return err
		}
		return tx.Save(e).Error
	})
	if err != nil {
		return e, err
	}
	return e, nil
}

// RemoveEntry deletes an entry of a draft campaign.
func RemoveEntry(db *gorm.DB, campaignID, entryID int) error {
	return db.Transaction(func(tx *gorm.DB) error {
		if _, err := draftOnly(tx, campaignID, "removed"); err != nil {
			return err
		}
		res := tx.Where("id = ? AND campaign_id = ?", entryID, campaignID).Delete(&models.CampaignEntry{})
		if res.Error != nil {
			return fmt.Errorf("remove entry: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return errorf(fault.KindNotFound, "Entry %d not found in campaign %d", entryID, campaignID)
		}
		return nil
	})
}

// ReorderEntries sets sort_order 0..n-1 in the order given, which must name
// every entry of the draft exactly once.
func ReorderEntries(db *gorm.DB, campaignID int, ids []int) error {
	return db.Transaction(func(tx *gorm.DB) error {
		if _, err := draftOnly(tx, campaignID, "reordered"); err != nil {
			return err
		}
		var have []int
		if err := tx.Model(&models.CampaignEntry{}).Where("campaign_id = ?", campaignID).Pluck("id", &have).Error; err != nil {
			return err
		}
		want := map[int]bool{}
		for _, id := range have {
			want[id] = true
		}
		if len(ids) != len(have) {
			return errorf(fault.KindMalformed, "The new order must list every entry once")
		}
		for _, id := range ids {
			if !want[id] {
				return errorf(fault.KindMalformed, "The new order must list every entry once")
			}
			delete(want, id)
		}
		for i, id := range ids {
			if err := tx.Model(&models.CampaignEntry{}).Where("id = ?", id).Update("sort_order", i).Error; err != nil {
				return err
			}
		}
		return nil
	})
}

// MoveEntry moves an entry one place up (delta -1) or down (+1): the
// no-JavaScript twin of drag reordering.
func MoveEntry(db *gorm.DB, campaignID, entryID, delta int) error {
	c, err := Get(db, campaignID)
	if err != nil {
		return err
	}
	ids := make([]int, len(c.Entries))
	at := -1
	for i, e := range c.Entries {
		ids[i] = e.ID
		if e.ID == entryID {
			at = i
		}
	}
	if at < 0 {
		return errorf(fault.KindNotFound, "Entry %d not found in campaign %d", entryID, campaignID)
	}
	to := at + delta
	if to < 0 || to >= len(ids) {
		return nil
	}
	ids[at], ids[to] = ids[to], ids[at]
	return ReorderEntries(db, campaignID, ids)
}

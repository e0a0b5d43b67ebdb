package schedule

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"gorm.io/gorm"

	"patt/fault"
	"patt/identity"
	"patt/models"
	"patt/raidhelper"
)

// LinkCandidate is a player an unknown signer may be: active, with no
// Discord account linked yet.
type LinkCandidate struct {
	ID   int
	Name string
	// names are the player's display name and character names, lowercased,
	// to suggest the likely one.
	names []string
}

// LinkCandidates lists them by name.
func LinkCandidates(db *gorm.DB) ([]LinkCandidate, error) {
	var players []models.Player
	if err := db.Preload("Characters.Character").Preload("MainCharacter").
		Where("is_active = ? AND discord_user_id IS NULL", true).Order("display_name").Find(&players).Error; err != nil {
		return nil, fmt.Errorf("link candidates: %w", err)
	}
	out := make([]LinkCandidate, 0, len(players))
	for _, p := range players {
		c := LinkCandidate{ID: p.ID, Name: p.DisplayName, names: []string{strings.ToLower(p.DisplayName)}}
		if p.MainCharacter != nil {
			c.names = append(c.names, strings.ToLower(p.MainCharacter.Name))
		}
		for _, pc := range p.Characters {
			if pc.Character != nil {
				c.names = append(c.names, strings.ToLower(pc.Character.Name))
			}
		}
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out, nil
}

// SuggestFor is the one candidate whose name or a character's name is the
// signer's Discord name (0 when none or several are).
func SuggestFor(cands []LinkCandidate, signer string) int {
	name := strings.ToLower(strings.TrimSpace(signer))
	if name == "" {
		return 0
	}
	found := 0
	for _, c := range cands {
		for _, n := range c.names {
			if n == name {
				if found != 0 && found != c.ID {
					return 0
				}
				found = c.ID
			}
		}
	}
	return found
}

// LinkResult says what linking an unknown signer did.
type LinkResult struct {
	Player   string
	Imported int // signups that now count for the player
}

// LinkUnknownSigner is an officer saying who an unknown Raid-Helper signer
// is: in one transaction the signer's Discord account is linked to the
// player (created from the signup if the Discord sync has not seen it
// yet), each of the signer's pending Raid-Helper signups becomes the
// player's signup (same rules as an import: the later change wins, only
// answers made before the raid started), and the signer leaves the list.
// A player already linked to another Discord account is refused (409), as
// is a Discord account linked to another player; officers may link only
// players below their own rank (identity.LinkDiscord).
func LinkUnknownSigner(db *gorm.DB, by identity.Actor, unknownID, playerID int) (LinkResult, error) {
	var res LinkResult
	err := db.Transaction(func(tx *gorm.DB) error {
		var u models.RaidHelperUnknownSignup
		if err := tx.Take(&u, unknownID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				// Gone from the list: linked meanwhile (or left Raid-Helper).
				return fault.Conflict("That signer is no longer on the list; it may have been linked already")
			}
			return err
		}
		var p models.Player
		if err := tx.Preload("DiscordUser").Take(&p, playerID).Error; err != nil {
			if errors.Is(err, gorm.ErrRecordNotFound) {
				return fault.Invalid("player_id", "choose a player")
			}
			return err
		}
		if p.DiscordUser != nil && p.DiscordUser.DiscordID != u.DiscordID {
			return fault.Conflict(fmt.Sprintf("%s is already linked to Discord @%s; unlink that in the Player Manager first", p.DisplayName, p.DiscordUser.Username))
		}
		var du models.DiscordUser
		err := tx.Where("discord_id = ?", u.DiscordID).Take(&du).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			// Raid-Helper saw them in the server before the Discord sync did.
			du = models.DiscordUser{DiscordID: u.DiscordID, Username: u.Name, IsPresent: true}
			err = tx.Create(&du).Error
		}
		if err != nil {
			return fmt.Errorf("discord user %s: %w", u.DiscordID, err)
		}
		if _, _, err := identity.LinkDiscord(tx, by, playerID, u.DiscordID); err != nil {
			return err
		}
		p.DiscordUserID = &du.ID
		res.Player = p.DisplayName
		var rows []models.RaidHelperUnknownSignup
		if err := tx.Where("discord_id = ?", u.DiscordID).Order("event_id").Find(&rows).Error; err != nil {
			return fmt.Errorf("signer's signups: %w", err)
		}
		for _, r := range rows {
			e, err := RaidEventByID(tx, r.EventID)
			if err != nil {
				return err
			}
			changed, err := importSignup(tx, e, p, unknownAsSignUp(r))
			if err != nil {
				return err
			}
			if changed {
				res.Imported++
			}
		}
		return tx.Where("discord_id = ?", u.DiscordID).Delete(&models.RaidHelperUnknownSignup{}).Error
	})
	return res, err
}

// unknownAsSignUp is a stored unknown signup as Raid-Helper sent it; rows
// kept before their class was stored fall back to their status's class.
func unknownAsSignUp(r models.RaidHelperUnknownSignup) raidhelper.SignUp {
	su := raidhelper.SignUp{UserID: r.DiscordID, Name: r.Name, ClassName: r.ClassName, SpecName: r.SpecName, EntryTime: r.SeenAt.Unix()}
	if r.EntryTime != nil {
		su.EntryTime = r.EntryTime.Unix()
	}
	if r.RHSignupID != nil {
		su.ID = json.Number(*r.RHSignupID)
	}
	if su.ClassName == "" {
		su.ClassName = rhStatusClass[r.Status]
	}
	return su
}

package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"patt/models"
)

// DiscordChanged reports whether the Discord members the identity engine
// looks at (present members with a guild role: their ids, usernames,
// display names and roles) differ from the last time it was asked in this
// process. The runtime asks after each Discord member sync and runs the
// identity engine and the integrity check only when they did (W11: the
// reference never matched after a Discord sync; matching every 15 minutes
// on an unchanged list would only fill the runs table). The first call
// after start always says yes.
func (s *Service) DiscordChanged(ctx context.Context) (bool, error) {
	type row struct {
		ID               int
		DiscordID        string
		Username         string
		DisplayName      *string
		HighestGuildRole *string
	}
	var rows []row
	err := s.DB.WithContext(ctx).Model(&models.DiscordUser{}).
		Select("id, discord_id, username, display_name, highest_guild_role").
		Where("is_present = ? AND highest_guild_role IS NOT NULL", true).Order("id").Scan(&rows).Error
	if err != nil {
		return false, fmt.Errorf("read Discord members: %w", err)
	}
	h := sha256.New()
	for _, r := range rows {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00%s\x00%s\n", r.ID, r.DiscordID, r.Username, deref(r.DisplayName), deref(r.HighestGuildRole))
	}
	sum := hex.EncodeToString(h.Sum(nil))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.discordSeen == sum {
		return false, nil
	}
	s.discordSeen = sum
	return true, nil
}

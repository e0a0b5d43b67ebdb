package sync

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"patt/fault"
	"patt/models"
)

// ResolveIssue closes an open issue by hand. Dismiss also keeps the checker
// from opening the same finding again (resolved_by "dismissed:<officer>"),
// for findings the guild has decided to live with (a bank character with no
// player, say); Resolve lets it come back if it is still true next run.
func ResolveIssue(ctx context.Context, db *gorm.DB, id int, officer string, dismiss bool, now time.Time) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var is models.AuditIssue
		if err := tx.Where("id = ?", id).Take(&is).Error; err != nil {
			return fault.NotFound("No such audit issue.")
		}
		if is.ResolvedAt != nil {
			return fault.Conflict("That issue was already resolved.")
		}
		if is.IssueType == IssueSuggestion {
			return fault.Conflict("A suggestion is accepted or rejected, not resolved.")
		}
		by := "officer:" + officer
		if dismiss {
			by = "dismissed:" + officer
		}
		return tx.Model(&models.AuditIssue{}).Where("id = ?", id).
			Updates(map[string]any{"resolved_at": now, "resolved_by": by}).Error
	})
}

// IsDismissed reports whether resolved_by says an officer dismissed it.
func IsDismissed(resolvedBy *string) bool {
	return resolvedBy != nil && (strings.HasPrefix(*resolvedBy, "dismissed:") || strings.HasPrefix(*resolvedBy, "rejected:"))
}

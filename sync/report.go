package sync

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"patt/models"
	"patt/notify"
)

// Discord's embed limits (the reporter stays inside them, W10).
const (
	maxTitle       = 256
	maxDescription = 4096
	maxMessage     = 6000 // title + description + footer of a message's embeds
)

// issueKinds are the reporter's emoji and heading per type.
var issueKinds = map[string][2]string{
	IssueOrphanWow:     {"🎮", "WoW Characters Without Discord Link"},
	IssueOrphanDiscord: {"💬", "Discord Members Without WoW Link"},
	IssueRoleMismatch:  {"⚠️", "Role Mismatches (In-Game vs Discord)"},
	IssueNoGuildRole:   {"🏷️", "Missing Discord Guild Role"},
	IssueStale:         {"💤", "Inactive Characters (30+ days)"},
	IssueSuggestion:    {"🔗", "Suggested Auto-Links (Needs Review)"},
}

// SeverityRank orders severities critical first (W10: the reference sorted
// them as strings, which put critical last).
func SeverityRank(s string) int {
	switch s {
	case "critical":
		return 0
	case "warning":
		return 1
	case "info":
		return 2
	}
	return 3
}

// OpenIssues lists unresolved issues, critical first, then by type and age.
func OpenIssues(db *gorm.DB, onlyUnnotified bool) ([]models.AuditIssue, error) {
	q := db.Where("resolved_at IS NULL")
	if onlyUnnotified {
		q = q.Where("notified_at IS NULL")
	}
	var issues []models.AuditIssue
	if err := q.Order("created_at, id").Find(&issues).Error; err != nil {
		return nil, fmt.Errorf("list open issues: %w", err)
	}
	sort.SliceStable(issues, func(i, j int) bool {
		a, b := issues[i], issues[j]
		if SeverityRank(a.Severity) != SeverityRank(b.Severity) {
			return SeverityRank(a.Severity) < SeverityRank(b.Severity)
		}
		return a.IssueType < b.IssueType
	})
	return issues, nil
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// ReportIssues posts the issues nobody was told about yet to the audit
// channel: a header, then one embed per issue type, each within Discord's
// limits, with a link to the site's audit page for the rest. Only the
// issues whose line was actually posted are marked notified; a failed post
// stops the report, and what was not sent is sent next time. A disabled
// Notifier sends nothing (the report is on the site either way).
func ReportIssues(ctx context.Context, db *gorm.DB, n notify.Notifier, channel, baseURL string, now time.Time) (int, error) {
	if n == nil || !n.Enabled() || channel == "" {
		return 0, nil
	}
	issues, err := OpenIssues(db.WithContext(ctx), true)
	if err != nil || len(issues) == 0 {
		return 0, err
	}
	page := strings.TrimRight(baseURL, "/") + "/admin/issues"
	var order []string
	byType := map[string][]models.AuditIssue{}
	for _, is := range issues {
		if _, seen := byType[is.IssueType]; !seen {
			order = append(order, is.IssueType)
		}
		byType[is.IssueType] = append(byType[is.IssueType], is)
	}
	header := notify.Message{
		Title:       "🔍 Guild Identity Audit Report",
		Description: fmt.Sprintf("**%d new issue(s) detected**\nRun at: <t:%d:F>\nThe full list: %s", len(issues), now.Unix(), page),
		URL:         page, Color: 0xD4A84B,
	}
	if _, err := n.Post(ctx, channel, header); err != nil {
		if errors.Is(err, notify.ErrDisabled) {
			return 0, nil
		}
		return 0, fmt.Errorf("post audit report: %w", err)
	}
	sent := 0
	for _, t := range order {
		list := byType[t]
		kind, ok := issueKinds[t]
		if !ok {
			kind = [2]string{"❓", t}
		}
		title := truncate(fmt.Sprintf("%s %s (%d)", kind[0], kind[1], len(list)), maxTitle)
		color := 0x3498DB
		for _, is := range list {
			if is.Severity == "critical" {
				color = 0xFF0000
				break
			}
			if is.Severity == "warning" {
				color = 0xFFA500
			}
		}
		footer := "Full list on the site: " + page
		budget := min(maxDescription, maxMessage-utf8.RuneCountInString(title)-utf8.RuneCountInString(footer)) - 60
		var b strings.Builder
		var included []int
		for i, is := range list {
			line := "• " + truncate(is.Summary, 300) + "\n"
			if utf8.RuneCountInString(b.String())+utf8.RuneCountInString(line) > budget {
				fmt.Fprintf(&b, "*…and %d more on the site*", len(list)-i)
				break
			}
			b.WriteString(line)
			included = append(included, is.ID)
		}
		msg := notify.Message{Title: title, Description: strings.TrimRight(b.String(), "\n"), URL: page, Color: color, Footer: footer}
		if _, err := n.Post(ctx, channel, msg); err != nil {
			return sent, fmt.Errorf("post %s issues: %w", t, err)
		}
		for ids := range chunks(included, 500) {
			if err := db.WithContext(ctx).Model(&models.AuditIssue{}).Where("id IN ?", ids).Update("notified_at", now).Error; err != nil {
				return sent, err
			}
		}
		sent += len(included)
	}
	return sent, nil
}

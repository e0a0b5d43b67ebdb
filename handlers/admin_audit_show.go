package handlers

import (
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/identity"
)

// auditPageLimit bounds the audit page; the log itself keeps everything.
const auditPageLimit = 200

// auditPage is /admin/audit: the newest officer actions, Guild Leader only.
type auditPage struct {
	Rows []auditRow
	Zone string
}

type auditRow struct {
	When, Actor, Action, Target, Before, After string
}

// adminAuditShow lists who changed which player or rank, and how. The
// domain refuses anyone below Guild Leader (403 page).
func (s *Server) adminAuditShow(c fiber.Ctx) error {
	rows, err := identity.OfficerActions(s.db(c), actorOf(c), auditPageLimit)
	if err != nil {
		return err
	}
	zone, err := s.viewerZone(c, viewerOf(c))
	if err != nil || zone == nil {
		zone = time.UTC
	}
	page := auditPage{Zone: zone.String()}
	for _, r := range rows {
		row := auditRow{
			When:   r.CreatedAt.In(zone).Format("2006-01-02 15:04 MST"),
			Actor:  r.ActorName,
			Action: r.Action,
			Target: r.TargetType + " " + r.TargetName,
		}
		if r.BeforeJSON != nil {
			row.Before = *r.BeforeJSON
		}
		if r.AfterJSON != nil {
			row.After = *r.AfterJSON
		}
		page.Rows = append(page.Rows, row)
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin/audit", &Page{Title: "Audit log", Data: page})
}

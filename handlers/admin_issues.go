package handlers

import (
	"encoding/json"
	"errors"

	"github.com/gofiber/fiber/v3"

	"patt/app/jobs"
	"patt/fault"
	"patt/schedule"
	guildsync "patt/sync"
)

// The officers' audit-issues page (spec guild_sync §8–§9, §19): open integrity
// issues, critical first, each resolvable or dismissable in place, and the
// identity engine's suggestions to accept or reject. Buttons run matching or
// the integrity check now (on the job runner, never twice at once).

type issueRow struct {
	ID                             int
	Type, Severity, Summary, Since string
	Suggestion                     bool
	Confidence                     int
	Done                           string // what happened to it, after an action
	Error                          string
}

type issueGroup struct {
	Severity string
	Rows     []issueRow
}

type issuesPage struct {
	Groups      []issueGroup
	Suggestions []issueRow
	Total       int
	Zone        string
}

func (s *Server) issuesPageData(c fiber.Ctx) (*issuesPage, error) {
	issues, err := guildsync.OpenIssues(s.db(c), false)
	if err != nil {
		return nil, err
	}
	zone := schedule.LoadZone(s.scheduleViewerZone(c))
	p := &issuesPage{Zone: zone.String(), Total: len(issues)}
	index := map[string]int{}
	for _, is := range issues {
		row := issueRow{ID: is.ID, Type: is.IssueType, Severity: is.Severity, Summary: is.Summary,
			Since: is.CreatedAt.In(zone).Format("Jan 2 15:04 MST")}
		if is.IssueType == guildsync.IssueSuggestion {
			var prop guildsync.Proposal
			_ = json.Unmarshal(is.Details, &prop)
			row.Suggestion, row.Confidence = true, int(prop.Confidence*100+0.5)
			p.Suggestions = append(p.Suggestions, row)
			continue
		}
		i, ok := index[is.Severity]
		if !ok {
			p.Groups = append(p.Groups, issueGroup{Severity: is.Severity})
			i = len(p.Groups) - 1
			index[is.Severity] = i
		}
		p.Groups[i].Rows = append(p.Groups[i].Rows, row)
	}
	return p, nil
}

// adminIssuesShow is GET /admin/issues.
func (s *Server) adminIssuesShow(c fiber.Ctx) error {
	data, err := s.issuesPageData(c)
	if err != nil {
		return err
	}
	return s.renderAdmin(c, fiber.StatusOK, "pages/admin/issues", &Page{Title: "Audit Issues", Data: data})
}

// adminIssueAct handles resolve, dismiss, accept and reject on one issue.
func (s *Server) adminIssueAct(action string) fiber.Handler {
	return func(c fiber.Ctx) error {
		id, err := atoiParam(c, "id")
		if err != nil || id <= 0 {
			return fault.NotFound("No such audit issue.")
		}
		who := "officer"
		if v := viewerOf(c); v != nil {
			who = v.DisplayName
		}
		now := s.Now()
		switch action {
		case "resolve":
			err = guildsync.ResolveIssue(c.Context(), s.DB, id, who, false, now)
		case "dismiss":
			err = guildsync.ResolveIssue(c.Context(), s.DB, id, who, true, now)
		case "accept":
			err = guildsync.AcceptSuggestion(c.Context(), s.DB, id, who, now)
		case "reject":
			err = guildsync.RejectSuggestion(c.Context(), s.DB, id, who, now)
		}
		if !isHTMX(c) {
			if err != nil {
				return err
			}
			return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/issues?flash=issue-" + action)
		}
		row := issueRow{ID: id, Done: flashMessages["issue-"+action]}
		status := fiber.StatusOK
		if err != nil {
			var fe *fault.Error
			if !errors.As(err, &fe) {
				return err
			}
			status, row.Done, row.Error = statusOf(fault.KindOf(err)), "", fault.MessageOf(err)
		}
		return s.renderFragment(c, status, "partials/admin/issue_done", &Page{Data: row})
	}
}

// adminIssuesRun is POST /admin/issues/run/:job: matching or the integrity
// check, now, in the background.
func (s *Server) adminIssuesRun(c fiber.Ctx) error {
	job := map[string]string{"identity": guildsync.JobIdentity, "integrity": guildsync.JobIntegrity}[c.Params("job")]
	if job == "" {
		return fault.NotFound("No such job.")
	}
	if s.Jobs == nil {
		return fault.Unavailable("Background jobs are not running.")
	}
	code := "issue-run-started"
	if err := s.Jobs.RunNow(job); errors.Is(err, jobs.ErrBusy) {
		code = "err-issue-run-busy"
	} else if err != nil {
		return err
	}
	return c.Redirect().Status(fiber.StatusSeeOther).To("/admin/issues?flash=" + code)
}

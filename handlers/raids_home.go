package handlers

import (
	"bytes"

	"github.com/gofiber/fiber/v3"

	"patt/schedule"
)

// nextRaidsSlot is where the landing page's shared (cached) body leaves
// room for the viewer's own "Next raids" panel.
var nextRaidsSlot = []byte(`<div id="next-raids-slot"></div>`)

type nextRaidsPanel struct {
	Raids []raidCard
	Zone  string
}

// withNextRaids puts the logged-in member's next three raids, with their
// answers and quick answer buttons, into the landing page body. The body
// is shared between viewers, the panel is not, so it is rendered per
// request; a failure leaves the page without it.
func (s *Server) withNextRaids(c fiber.Ctx, body []byte) []byte {
	v := viewerOf(c)
	if v == nil || !bytes.Contains(body, nextRaidsSlot) {
		return body
	}
	zone := s.viewerLocation(c)
	next, err := schedule.NextRaidsFor(s.db(c), v.PlayerID, s.Now(), 3)
	if err != nil {
		if !s.outage.failed(err) { // an outage is logged once, by the watch
			s.Log.Error("landing: next raids", "err", err)
		}
		return body
	}
	panel := nextRaidsPanel{Zone: zone.String()}
	for _, n := range next {
		card := s.raidCardOf(c, n.Event, n.Signup, zone)
		card.Return = "/"
		panel.Raids = append(panel.Raids, card)
	}
	html, err := s.execute("partials/raids/next_panel", panel)
	if err != nil {
		s.Log.Error("landing: next raids", "err", err)
		return body
	}
	return bytes.Replace(body, nextRaidsSlot, html, 1)
}

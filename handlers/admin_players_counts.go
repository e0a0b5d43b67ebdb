package handlers

import "github.com/gofiber/fiber/v3"

// pmChangedEvent is the event every successful Player Manager change
// raises in the browser (HX-Trigger). Whatever a change can make stale
// outside the swapped card — the column counts, the other cards' link
// selects — listens for it and fetches /admin/players/counts.
const pmChangedEvent = "pm-changed"

// GET /admin/players/counts — the column header counts and the options of
// the cards' link selects, all as out-of-band swaps (the listener swaps
// nothing itself).
func (s *Server) adminPlayersCounts(c fiber.Ctx) error {
	page, err := s.playerManagerPage(c, pmFilters{RankIDs: map[int]bool{}})
	if err != nil {
		return err
	}
	return s.renderFragment(c, fiber.StatusOK, "partials/admin/pm_counts", &Page{Data: page})
}

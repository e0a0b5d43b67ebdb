package handlers

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"patt/models"
	"patt/schedule"
)

// Issue 18 item 3: the heat-map table shows the real half hours of a DST
// week — the repeated hour twice with its abbreviations, the missing hour
// as cells that do not exist — and the abbreviations of that week.
func TestHeatViewRowsAroundDST(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	mon := func(s string) models.Date { d, err := models.ParseDate(s); require.NoError(t, err); return d }

	fall := buildHeatView(schedule.BuildHeatMapWeek(nil, ny, mon("2026-10-26")))
	require.Len(t, fall.Rows, 50)
	require.Equal(t, "EDT / EST", fall.Abbrev)
	require.Equal(t, "2026-10-26 – 2026-11-01", fall.Week)
	var labels []string
	for _, r := range fall.Rows[2:6] {
		labels = append(labels, r.Label)
	}
	require.Equal(t, []string{"01:00 EDT", "01:30 EDT", "01:00 EST", "01:30 EST"}, labels)
	// The second 01:00 exists only on Sunday.
	require.True(t, fall.Rows[4].Cells[0].Missing)
	require.False(t, fall.Rows[4].Cells[6].Missing)
	require.Equal(t, "Sunday 01:00 EST", fall.Rows[4].Cells[6].Title)

	spring := buildHeatView(schedule.BuildHeatMapWeek(nil, ny, mon("2027-03-08")))
	require.Len(t, spring.Rows, 48)
	require.Equal(t, "EST / EDT", spring.Abbrev)
	require.Equal(t, "02:00", spring.Rows[4].Label)
	require.True(t, spring.Rows[4].Cells[6].Missing, "Sunday 02:00 does not exist")
	require.False(t, spring.Rows[4].Cells[5].Missing)
	require.Equal(t, "Sunday 03:00 EDT", spring.Rows[6].Cells[6].Title)
	require.Equal(t, "Saturday 03:00 EST", spring.Rows[6].Cells[5].Title)
}

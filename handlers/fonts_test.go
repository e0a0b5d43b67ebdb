package handlers

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/demo"
	"patt/models"
)

var (
	preloadFont = regexp.MustCompile(`<link rel="preload" href="([^"]+\.woff2\?v=[0-9a-f]{12})" as="font" type="font/woff2" crossorigin>`)
	fontFace    = regexp.MustCompile(`(?s)@font-face\s*\{(.*?)\}`)
)

// Fonts swapped in late rewrapped the header nav on phones. The faces used
// above the fold are preloaded under the exact URL the stylesheet asks for
// (a different URL would download twice), and every face is
// font-display: optional, so a late font never moves the page.
func TestFontsArePreloadedAndNeverSwappedIn(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, err := demo.Seed(db, demo.Options{})
		require.NoError(t, err)
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		officer := newBrowser(t, app).loginAs(s, offUser)

		_, css := get(t, app, s.assets.URL("css/app.css"))
		faces := fontFace.FindAllStringSubmatch(css, -1)
		require.GreaterOrEqual(t, len(faces), 6)
		for _, f := range faces {
			require.Contains(t, f[1], "font-display: optional;", "@font-face {%s}", f[1])
			require.NotContains(t, f[1], "swap")
		}

		for _, page := range []struct {
			b    *browser
			path string
		}{{newBrowser(t, app), "/"}, {newBrowser(t, app), "/roster"}, {officer, "/profile"}, {officer, "/admin/players"}, {officer, "/admin/campaigns"}} {
			resp, html := page.b.get(page.path)
			require.Equal(t, 200, resp.StatusCode, page.path)
			head, _, ok := strings.Cut(html, "</head>")
			require.True(t, ok, page.path)
			preloads := preloadFont.FindAllStringSubmatch(head, -1)
			var hrefs []string
			for _, p := range preloads {
				hrefs = append(hrefs, p[1])
			}
			for _, font := range []string{"cinzel-latin-700-normal", "source-sans-3-latin-400-normal", "source-sans-3-latin-600-normal"} {
				want := s.assets.URL("fonts/" + font + ".woff2")
				require.Contains(t, hrefs, want, "%s preloads %s", page.path, font)
				// The stylesheet references the same URL (relative to /assets/css/).
				require.Contains(t, css, "url(.."+strings.TrimPrefix(want, "/assets")+")", "%s: CSS and preload agree", font)
			}
			// Preloads come before the stylesheet, so the fetches start first.
			require.Less(t, strings.Index(head, `rel="preload"`), strings.Index(head, `rel="stylesheet"`), page.path)
		}
	})
}

// SortableJS (drag and drop) loads only on the pages that drag, before the
// page script that uses it; the other admin pages do without its 45 KB.
func TestSortableLoadsOnlyWhereItDrags(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, err := demo.Seed(db, demo.Options{})
		require.NoError(t, err)
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		officer := newBrowser(t, app).loginAs(s, offUser)
		var camp models.Campaign
		require.NoError(t, db.Order("id").Take(&camp).Error)

		sortable := s.assets.URL("js/sortable.min.js")
		for path, script := range map[string]string{
			"/admin/players": "js/admin_players.js",
			fmt.Sprintf("/admin/campaigns/%d/edit", camp.ID): "js/admin_campaigns.js",
		} {
			resp, html := officer.get(path)
			require.Equal(t, 200, resp.StatusCode, path)
			require.Equal(t, 1, strings.Count(html, sortable), "%s loads SortableJS once", path)
			require.Less(t, strings.Index(html, sortable), strings.Index(html, s.assets.URL(script)), "%s: SortableJS before %s", path, script)
		}
		for _, path := range []string{"/admin/campaigns", "/admin/availability", "/admin/reference-tables", "/admin/raid-events"} {
			resp, html := officer.get(path)
			require.Equal(t, 200, resp.StatusCode, path)
			require.NotContains(t, html, "sortable.min.js", "%s does not drag", path)
		}
	})
}

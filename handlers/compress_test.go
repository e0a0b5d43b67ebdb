package handlers

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v3"
	"github.com/stretchr/testify/require"
	"github.com/valyala/fasthttp"
	"gorm.io/gorm"

	"patt/dbtest"
	"patt/demo"
	"patt/models"
)

// decode undoes a response's Content-Encoding with decoders independent of
// the encoder (the standard library's gzip; brotli's reference decoder).
func decode(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	switch enc {
	case "":
		return body
	case "gzip":
		r, err := gzip.NewReader(bytes.NewReader(body))
		require.NoError(t, err)
		out, err := io.ReadAll(r)
		require.NoError(t, err)
		return out
	case "br":
		out, err := fasthttp.AppendUnbrotliBytes(nil, body)
		require.NoError(t, err)
		return out
	}
	t.Fatalf("unexpected Content-Encoding %q", enc)
	return nil
}

// getEncoded fetches a path as the browser, asking for an encoding.
func (b *browser) getEncoded(path, accept string) (*http.Response, []byte) {
	b.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	resp, body := b.send(req)
	return resp, []byte(body)
}

func TestPagesAreCompressedForClientsThatAcceptIt(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		_, err := demo.Seed(db, demo.Options{})
		require.NoError(t, err)
		app, s := testApp(t, db)
		_, offUser := seedMember(t, db, "Officer4", 4)
		officer := newBrowser(t, app).loginAs(s, offUser)
		visitor := newBrowser(t, app)
		visitor.get("/roster") // takes the CSRF cookie, so later pages carry the same token

		for _, tc := range []struct {
			who  *browser
			path string
		}{{visitor, "/roster"}, {officer, "/roster"}, {officer, "/admin/players"}} {
			plain, identity := tc.who.getEncoded(tc.path, "")
			require.Equal(t, 200, plain.StatusCode, tc.path)
			require.Empty(t, plain.Header.Get("Content-Encoding"), "%s: no encoding without Accept-Encoding", tc.path)
			require.True(t, varies(plain, "Accept-Encoding"), tc.path)
			for _, accept := range []string{"gzip", "gzip, deflate, br", "br;q=0, gzip;q=0.8"} {
				resp, body := tc.who.getEncoded(tc.path, accept)
				want := "gzip"
				if accept == "gzip, deflate, br" {
					want = "br"
				}
				require.Equal(t, want, resp.Header.Get("Content-Encoding"), "%s Accept-Encoding %q", tc.path, accept)
				require.True(t, varies(resp, "Accept-Encoding"), tc.path)
				require.Less(t, len(body), len(identity)/3, "%s: %s should shrink HTML several times", tc.path, want)
				require.Equal(t, string(identity), string(decode(t, want, body)), "%s: %s body decodes to the same page", tc.path, want)
				t.Logf("%s %s: %d bytes -> %s %d bytes", tc.path, who(tc.who == officer), len(identity), want, len(body))
			}
		}
	})
}

// varies reports whether the response's Vary names the header.
func varies(resp *http.Response, header string) bool {
	for _, v := range resp.Header.Values("Vary") {
		for _, h := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(h), header) {
				return true
			}
		}
	}
	return false
}

func who(officer bool) string {
	if officer {
		return "(officer)"
	}
	return "(visitor)"
}

func TestCompressionSkipsTinyBodiesHeadAndRefusedEncodings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, _ := testApp(t, db)
		// A body under compressMinBytes goes out as is.
		resp, body := get(t, app, "/healthz", "Accept-Encoding", "gzip, br")
		require.Less(t, len(body), compressMinBytes)
		require.Empty(t, resp.Header.Get("Content-Encoding"))
		// An encoding the client refuses is not used.
		resp, _ = get(t, app, "/assets/css/app.css", "Accept-Encoding", "gzip;q=0, br;q=0")
		require.Empty(t, resp.Header.Get("Content-Encoding"))
		resp, _ = get(t, app, "/assets/css/app.css", "Accept-Encoding", "identity")
		require.Empty(t, resp.Header.Get("Content-Encoding"))
	})
}

func TestNegotiateEncoding(t *testing.T) {
	for accept, want := range map[string]string{
		"":                        "",
		"identity":                "",
		"gzip":                    "gzip",
		"GZIP":                    "gzip",
		"br":                      "br",
		"gzip, deflate, br, zstd": "br",
		"br;q=0, gzip":            "gzip",
		"br;q=0.0, gzip;q=0":      "",
		"*":                       "br",
		"*;q=0, gzip":             "gzip",
		"deflate":                 "",
	} {
		require.Equal(t, want, negotiateEncoding(accept), "Accept-Encoding %q", accept)
	}
}

func TestEmbeddedAssetsAreCompressedOnceAndFontsAreNot(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		_, identity := get(t, app, s.assets.URL("js/htmx.min.js"))
		for _, enc := range []string{"br", "gzip"} {
			var first []byte
			for i := 0; i < 2; i++ {
				resp, body := get(t, app, s.assets.URL("js/htmx.min.js"), "Accept-Encoding", enc)
				require.Equal(t, 200, resp.StatusCode)
				require.Equal(t, enc, resp.Header.Get("Content-Encoding"))
				require.True(t, varies(resp, "Accept-Encoding"))
				require.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"))
				require.Equal(t, identity, string(decode(t, enc, []byte(body))))
				if first == nil {
					first = []byte(body)
				}
				require.Equal(t, first, []byte(body))
				// A revalidation with this encoding's ETag is a 304.
				resp304, _ := get(t, app, s.assets.URL("js/htmx.min.js"), "Accept-Encoding", enc, "If-None-Match", resp.Header.Get("ETag"))
				require.Equal(t, 304, resp304.StatusCode)
			}
		}
		// The encoded bytes are made once and shared by every request.
		f := s.assets.files["js/htmx.min.js"]
		a, _ := f.encoded("br")
		b, _ := f.encoded("br")
		require.Same(t, &a[0], &b[0])

		// woff2 is brotli already: never encoded again.
		resp, _ := get(t, app, s.assets.URL("fonts/cinzel-latin-400-normal.woff2"), "Accept-Encoding", "gzip, br")
		require.Equal(t, 200, resp.StatusCode)
		require.Empty(t, resp.Header.Get("Content-Encoding"))
	})
}

var cssURLRef = regexp.MustCompile(`url\(\s*['"]?([^'")]+)['"]?\s*\)`)

func TestEveryURLInServedCSSIsVersionedAndImmutable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *gorm.DB) {
		app, s := testApp(t, db)
		seen := 0
		for name := range s.assets.files {
			if !strings.HasSuffix(name, ".css") {
				continue
			}
			cssPath := s.assets.URL(name)
			resp, css := get(t, app, cssPath)
			require.Equal(t, 200, resp.StatusCode, name)
			require.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"), name)
			for _, m := range cssURLRef.FindAllStringSubmatch(css, -1) {
				ref := m[1]
				if strings.HasPrefix(ref, "data:") {
					continue
				}
				seen++
				require.Regexp(t, `\?v=[0-9a-f]{12}$`, ref, "%s: url(%s) carries no version", name, ref)
				// Resolve against the stylesheet's URL, as the browser does.
				dir := cssPath[:strings.LastIndex(strings.SplitN(cssPath, "?", 2)[0], "/")+1]
				target := dir + ref
				for strings.Contains(target, "/../") {
					i := strings.Index(target, "/../")
					j := strings.LastIndex(target[:i], "/")
					target = target[:j] + target[i+3:]
				}
				r, _ := get(t, app, target)
				require.Equal(t, 200, r.StatusCode, "%s: %s", name, target)
				require.Equal(t, "public, max-age=31536000, immutable", r.Header.Get("Cache-Control"), "%s: %s", name, target)
			}
		}
		require.GreaterOrEqual(t, seen, 7, "fonts and texture.svg are referenced from the CSS")
	})
}

// BenchmarkCompress measures the middleware on the Player Manager of the
// demo guild (the heaviest page): identity, gzip and brotli per request.
//
//	go test -run - -bench Compress -benchmem ./handlers/
func BenchmarkCompress(b *testing.B) {
	db, _ := dbtest.Migrated(b, models.SQLite)
	if _, err := demo.Seed(db, demo.Options{}); err != nil {
		b.Fatal(err)
	}
	t := &testing.T{}
	app, s := testApp(t, db)
	_, offUser := seedMember(t, db, "Officer4", 4)
	tok := tokenFor(t, s, offUser)
	for _, path := range []string{"/roster", "/admin/players"} {
		for _, enc := range []string{"", "gzip", "br"} {
			b.Run(path+"/"+enc, func(b *testing.B) {
				var n int64
				for i := 0; i < b.N; i++ {
					req := httptest.NewRequest("GET", path, nil)
					req.AddCookie(&http.Cookie{Name: SessionCookie, Value: tok})
					if enc != "" {
						req.Header.Set("Accept-Encoding", enc)
					}
					resp, err := app.Test(req)
					if err != nil || resp.StatusCode != 200 {
						b.Fatal(err, resp.StatusCode)
					}
					body, _ := io.ReadAll(resp.Body)
					n = int64(len(body))
					resp.Body.Close()
				}
				b.ReportMetric(float64(n), "bytes/resp")
			})
		}
	}
}

// BenchmarkCompressMiddleware measures the middleware alone on a 1 MB and a
// 28 KB HTML body (the sizes of /admin/players and /roster on the demo
// guild), per encoding:
//
//	go test -run - -bench CompressMiddleware -benchmem ./handlers/
func BenchmarkCompressMiddleware(b *testing.B) {
	row := `<li class="item-card pm-char" id="char-%d" data-kind="char"><span class="item-card__name class-color">Name%d</span><button type="submit" class="pm-mini">Main?</button></li>` + "\n"
	for _, size := range []int{28 << 10, 1 << 20} {
		var sb strings.Builder
		for i := 0; sb.Len() < size; i++ {
			sb.WriteString(strings.ReplaceAll(row, "%d", strconv.Itoa(i)))
		}
		page := []byte(sb.String())
		app := fiber.New()
		app.Use(compressResponses)
		app.Get("/", func(c fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
			return c.Send(page)
		})
		h := app.Handler()
		for _, enc := range []string{"identity", "gzip", "br"} {
			b.Run(fmt.Sprintf("%dKB/%s", size>>10, enc), func(b *testing.B) {
				var ctx fasthttp.RequestCtx
				var out int
				b.SetBytes(int64(len(page)))
				for i := 0; i < b.N; i++ {
					ctx.Request.Reset()
					ctx.Response.Reset()
					ctx.Request.SetRequestURI("/")
					ctx.Request.Header.Set("Accept-Encoding", enc)
					h(&ctx)
					out = len(ctx.Response.Body())
				}
				b.ReportMetric(float64(out), "bytes/resp")
			})
		}
	}
}

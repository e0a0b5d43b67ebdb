package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v3"
	"github.com/valyala/fasthttp"

	"patt/assets"
)

// assetIndex knows every embedded asset and a short hash of its content, so
// pages link to /assets/css/app.css?v=<hash> and browsers may cache each URL
// for a year: a new build changes the hash, never a cached file.
type assetIndex struct {
	files map[string]*assetFile
}

type assetFile struct {
	body        []byte
	hash        string
	contentType string

	// The brotli and gzip encodings of a compressible asset are made once
	// per process, at the best levels, on first request (not at start-up:
	// every test builds a Server), and kept for the life of the process.
	// The index of the embedded files is shared by every Server (see
	// embeddedAssets), so a test binary pays for brotli 11 once per file,
	// not once per test: under -race that took over 10 s a test in CI.
	once   sync.Once
	brBody []byte
	gzBody []byte
}

// encoded returns the body to send for an encoding ("br", "gzip" or "")
// and the encoding actually used: the identity body when the asset does not
// compress or compression would not save anything.
func (f *assetFile) encoded(enc string) ([]byte, string) {
	if !compressible(f.contentType) || len(f.body) < compressMinBytes {
		return f.body, ""
	}
	f.once.Do(func() {
		if br := fasthttp.AppendBrotliBytesLevel(nil, f.body, fasthttp.CompressBrotliBestCompression); len(br) < len(f.body) {
			f.brBody = br
		}
		if gz := fasthttp.AppendGzipBytesLevel(nil, f.body, fasthttp.CompressBestCompression); len(gz) < len(f.body) {
			f.gzBody = gz
		}
	})
	switch {
	case enc == "br" && f.brBody != nil:
		return f.brBody, "br"
	case enc == "gzip" && f.gzBody != nil:
		return f.gzBody, "gzip"
	}
	return f.body, ""
}

// cssURL matches url(...) in a stylesheet, quoted or not.
var cssURL = regexp.MustCompile(`url\(\s*(['"]?)([^'")]+)(['"]?)\s*\)`)

// embeddedAssets is the index of the binary's own assets, built once per
// process: the files never change while it runs.
var embeddedAssets = sync.OnceValues(func() (*assetIndex, error) {
	return newAssetIndex(assets.FS)
})

func newAssetIndex(fsys fs.FS) (*assetIndex, error) {
	idx := &assetIndex{files: map[string]*assetFile{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		case ".woff2":
			ct = "font/woff2"
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".css":
			ct = "text/css; charset=utf-8"
		case ".svg":
			ct = "image/svg+xml"
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		idx.files[p] = &assetFile{body: body, contentType: ct}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Hash everything but the stylesheets first, then version the url()s
	// inside each stylesheet (fonts, images) and hash the rewritten CSS, so
	// a changed font changes the stylesheet's hash as well.
	names := make([]string, 0, len(idx.files))
	for name := range idx.files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if path.Ext(name) != ".css" {
			idx.files[name].hash = contentHash(idx.files[name].body)
		}
	}
	for _, name := range names {
		if path.Ext(name) == ".css" {
			f := idx.files[name]
			f.body = idx.versionCSSURLs(name, f.body)
			f.hash = contentHash(f.body)
		}
	}
	return idx, nil
}

func contentHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:12]
}

// versionCSSURLs appends ?v=<hash> to every relative url() in a stylesheet
// that names an embedded asset, so fonts and images get the year-long
// immutable cache header. Absolute, data: and unknown URLs stay as written.
func (a *assetIndex) versionCSSURLs(cssName string, css []byte) []byte {
	dir := path.Dir(cssName)
	return cssURL.ReplaceAllFunc(css, func(m []byte) []byte {
		sub := cssURL.FindSubmatch(m)
		ref := string(sub[2])
		if strings.Contains(ref, ":") || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "#") || strings.Contains(ref, "?") {
			return m
		}
		target := path.Clean(path.Join(dir, ref))
		f, ok := a.files[target]
		if !ok || f.hash == "" {
			return m
		}
		return []byte("url(" + string(sub[1]) + ref + "?v=" + f.hash + string(sub[3]) + ")")
	})
}

// URL returns the versioned URL of an asset; templates call it as
// {{asset "css/app.css"}}. An unknown name panics at render time in tests
// rather than shipping a broken link.
func (a *assetIndex) URL(name string) string {
	f, ok := a.files[name]
	if !ok {
		return "/assets/" + name + "?missing"
	}
	return "/assets/" + name + "?v=" + f.hash
}

// serveAsset answers GET /assets/* from memory, brotli- or gzip-encoded
// when the client accepts it (encoded once per process, see assetFile).
func (s *Server) serveAsset(c fiber.Ctx) error {
	name := strings.TrimPrefix(c.Params("*"), "/")
	f, ok := s.assets.files[name]
	if !ok {
		return fiber.ErrNotFound
	}
	if c.Query("v") == f.hash {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	body, enc := f.body, ""
	if compressible(f.contentType) && len(f.body) >= compressMinBytes {
		c.Vary(fiber.HeaderAcceptEncoding)
		body, enc = f.encoded(negotiateEncoding(c.Get(fiber.HeaderAcceptEncoding)))
	}
	// Each encoding has its own strong validator: the bytes differ.
	etag := `"` + f.hash + `"`
	if enc != "" {
		etag = `"` + f.hash + "-" + enc + `"`
	}
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	if enc != "" {
		c.Set(fiber.HeaderContentEncoding, enc)
	}
	return c.Send(body)
}

package handlers

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"path"
	"strings"

	"github.com/gofiber/fiber/v3"
)

// assetIndex knows every embedded asset and a short hash of its content, so
// pages link to /assets/css/app.css?v=<hash> and browsers may cache each URL
// for a year: a new build changes the hash, never a cached file.
type assetIndex struct {
	files map[string]assetFile
}

type assetFile struct {
	body        []byte
	hash        string
	contentType string
}

func newAssetIndex(fsys fs.FS) (*assetIndex, error) {
	idx := &assetIndex{files: map[string]assetFile{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
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
		idx.files[p] = assetFile{body: body, hash: hex.EncodeToString(sum[:])[:12], contentType: ct}
		return nil
	})
	return idx, err
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

// serveAsset answers GET /assets/* from memory.
func (s *Server) serveAsset(c fiber.Ctx) error {
	name := strings.TrimPrefix(c.Params("*"), "/")
	f, ok := s.assets.files[name]
	if !ok {
		return fiber.ErrNotFound
	}
	etag := `"` + f.hash + `"`
	c.Set(fiber.HeaderETag, etag)
	if c.Query("v") == f.hash {
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	} else {
		c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	}
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.contentType)
	return c.Send(f.body)
}

package handlers

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v3"
	"github.com/valyala/fasthttp"
)

// compressMinBytes is the smallest body worth compressing: below about a
// kilobyte the encoding's framing and the CPU cost eat the saving.
const compressMinBytes = 1024

// Dynamic responses are compressed per request, so they use fast levels:
// brotli 4 and gzip 6 give most of the saving at a small fraction of the
// best levels' cost (see BenchmarkCompress). Embedded assets are compressed
// once at the best levels instead (assets.go).
const (
	dynamicBrotliLevel = 4
	dynamicGzipLevel   = 6
)

// compressible reports whether a content type is text that compresses well.
// Images other than SVG, fonts (woff2 is already brotli) and archives are
// left alone.
func compressible(contentType string) bool {
	ct := strings.ToLower(contentType)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	ct = strings.TrimSpace(ct)
	switch ct {
	case "text/html", "text/css", "text/javascript", "application/javascript",
		"application/json", "image/svg+xml", "text/plain", "text/calendar",
		"application/xml", "text/xml", "application/manifest+json":
		return true
	}
	return false
}

// negotiateEncoding picks the response encoding from Accept-Encoding:
// brotli when the client takes it, else gzip, else none. A q=0 refuses an
// encoding; "*" stands for any encoding not named.
func negotiateEncoding(accept string) string {
	if accept == "" {
		return ""
	}
	q := map[string]float64{}
	for _, part := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		weight := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.TrimSpace(strings.ToLower(k)) == "q" {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					weight = f
				}
			}
		}
		q[name] = weight
	}
	accepts := func(enc string) bool {
		if w, ok := q[enc]; ok {
			return w > 0
		}
		w, ok := q["*"]
		return ok && w > 0
	}
	switch {
	case accepts("br"):
		return "br"
	case accepts("gzip"):
		return "gzip"
	}
	return ""
}

// compressResponses encodes text responses for clients that accept it. It
// leaves alone a response that already carries a Content-Encoding (the
// pre-compressed assets, or an upstream that encoded), a streamed body, a
// HEAD request, a body under compressMinBytes and types that do not
// compress. Behind nginx, nginx sees Content-Encoding and does not encode a
// second time. Every compressible response says Vary: Accept-Encoding so a
// shared cache keeps the encodings apart.
func compressResponses(c fiber.Ctx) error {
	if err := c.Next(); err != nil {
		return err
	}
	resp := c.Response()
	if !compressible(string(resp.Header.ContentType())) {
		return nil
	}
	if len(resp.Header.Peek(fiber.HeaderContentEncoding)) > 0 || resp.IsBodyStream() {
		return nil
	}
	status := resp.StatusCode()
	if status < 200 || status == fiber.StatusNoContent || status == fiber.StatusNotModified {
		return nil
	}
	body := resp.Body()
	if len(body) < compressMinBytes {
		return nil
	}
	c.Vary(fiber.HeaderAcceptEncoding)
	if c.Method() == fiber.MethodHead {
		return nil
	}
	enc := negotiateEncoding(c.Get(fiber.HeaderAcceptEncoding))
	var out []byte
	switch enc {
	case "br":
		out = fasthttp.AppendBrotliBytesLevel(nil, body, dynamicBrotliLevel)
	case "gzip":
		out = fasthttp.AppendGzipBytesLevel(nil, body, dynamicGzipLevel)
	default:
		return nil
	}
	if len(out) >= len(body) {
		return nil
	}
	resp.SetBodyRaw(out)
	resp.Header.Set(fiber.HeaderContentEncoding, enc)
	weakenETag(&resp.Header)
	return nil
}

// weakenETag marks a strong ETag weak once the body is encoded: the bytes
// differ from the identity response, so the validator may no longer claim
// byte equality (what nginx's gzip does too).
func weakenETag(h *fasthttp.ResponseHeader) {
	etag := string(h.Peek(fiber.HeaderETag))
	if etag != "" && !strings.HasPrefix(etag, "W/") {
		h.Set(fiber.HeaderETag, "W/"+etag)
	}
}

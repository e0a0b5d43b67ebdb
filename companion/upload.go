package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"patt/addon"
	"patt/addon/savedvars"
)

// uploadPath is the site's upload endpoint.
const uploadPath = "/api/v1/guild/addon-upload"

// maxUpload mirrors the site's cap (sync/addonupload.MaxBodyBytes). A
// larger file is refused here: past the site's 10 MiB server limit the
// connection is simply reset, which would look like an outage and be
// retried for ever.
const maxUpload = 4 << 20

// outcome of handling one file.
type outcome int

const (
	done      outcome = iota // uploaded, or nothing new to upload
	retry                    // the site is down or busy: try again later
	permanent                // the site refused this content or the key
)

type result struct {
	outcome    outcome
	retryAfter time.Duration // from a 429/503 Retry-After
	err        error
}

// uploadResponse is the part of the site's answer the companion reads.
type uploadResponse struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
	Data  struct {
		Status   string   `json:"status"`
		Received int      `json:"characters_received"`
		Updated  int      `json:"characters_updated"`
		NotFound []string `json:"not_found"`
	} `json:"data"`
}

// handle reads one PATTSync.lua and uploads it if it holds an export the
// site has not had from this PC.
func (c *companion) handle(ctx context.Context, path string) result {
	body, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return result{outcome: done}
		}
		return result{outcome: retry, err: fmt.Errorf("read %s: %w", path, err)}
	}
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	rec := c.state.Files[path]
	if len(body) > maxUpload {
		return result{outcome: permanent, err: fmt.Errorf("%s is %d bytes, more than the site accepts (%d MiB); is it really PATTSync's file?", path, len(body), maxUpload>>20)}
	}
	if rec.Hash == hash {
		c.log.Info("no new export in the file", "file", path, "export_time", rec.ExportTime)
		return result{outcome: done} // this exact content was handled already
	}
	db, err := savedvars.ParseVariable(body, addon.SavedVariable)
	if err != nil {
		// WoW may be half-way through writing; the next change retries.
		return result{outcome: permanent, err: fmt.Errorf("%s cannot be read: %w", path, err)}
	}
	exportTime := db.Table("lastExport").Int("exportTime")
	if exportTime == 0 {
		c.log.Info("no export in the file yet: type /pattsync in game, then /reload", "file", path)
		c.remember(path, fileRecord{ExportTime: rec.ExportTime, Hash: hash, Outcome: "no export"})
		return result{outcome: done}
	}
	if exportTime <= rec.ExportTime {
		c.remember(path, fileRecord{ExportTime: rec.ExportTime, Hash: hash, Outcome: rec.Outcome})
		return result{outcome: done} // the file changed, the export did not
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.Server+uploadPath, bytes.NewReader(body))
	if err != nil {
		return result{outcome: permanent, err: err}
	}
	req.Header.Set("Content-Type", "text/x-lua; charset=utf-8")
	req.Header.Set("X-API-Key", c.cfg.Key)
	req.Header.Set("X-Export-Time", strconv.FormatInt(exportTime, 10))
	req.Header.Set("User-Agent", "patt-companion/"+version)
	resp, err := c.http.Do(req)
	if err != nil {
		return result{outcome: retry, err: fmt.Errorf("cannot reach %s: %w", c.cfg.Server, unwrapURL(err))}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var ans uploadResponse
	_ = json.Unmarshal(raw, &ans)
	msg := ans.Error
	if msg == "" {
		msg = strings.TrimSpace(string(raw))
		if len(msg) > 200 {
			msg = msg[:200]
		}
	}
	switch {
	case resp.StatusCode == http.StatusOK && ans.OK:
		c.log.Info("uploaded", "file", path, "export_time", exportTime, "status", ans.Data.Status,
			"characters", ans.Data.Received, "updated", ans.Data.Updated, "not_found", len(ans.Data.NotFound))
		c.remember(path, fileRecord{ExportTime: exportTime, Hash: hash, Outcome: ans.Data.Status})
		c.uploads.Add(1)
		return result{outcome: done}
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return result{outcome: permanent, err: fmt.Errorf("the site refused the key (%d %s): create a new key on the site's Addon Uploads page and restart with -key", resp.StatusCode, msg)}
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return result{outcome: retry, retryAfter: retryAfter(resp.Header.Get("Retry-After")), err: fmt.Errorf("the site answered %d %s", resp.StatusCode, msg)}
	case resp.StatusCode == http.StatusNotFound:
		return result{outcome: retry, err: fmt.Errorf("the site has no upload endpoint at %s (404): check -server", c.cfg.Server+uploadPath)}
	default:
		// 400/413/422: this content will never be accepted; wait for a new export.
		c.remember(path, fileRecord{ExportTime: rec.ExportTime, Hash: hash, Outcome: "refused", Message: msg})
		return result{outcome: permanent, err: fmt.Errorf("the site refused export %d (%d %s)", exportTime, resp.StatusCode, msg)}
	}
}

func (c *companion) remember(path string, rec fileRecord) {
	rec.At = time.Now().UTC()
	c.state.Files[path] = rec
	if err := c.state.save(); err != nil {
		c.log.Error("cannot save state", "err", err)
	}
}

func retryAfter(h string) time.Duration {
	if secs, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	return 0
}

// unwrapURL drops net/http's "Post \"url\":" prefix, which repeats the
// address the message already names.
func unwrapURL(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

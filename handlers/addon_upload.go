package handlers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/app/jobs"
	guildsync "patt/sync"
	"patt/sync/addonupload"
)

// The PATTSync upload endpoint (spec guild_sync §12, §19): the companion
// posts the SavedVariables file as it is on disk (text/x-lua), or a JSON
// export; an uploader key (or the legacy PATT_API_KEY) in X-API-Key.
const (
	addonUploadPath       = "/api/v1/guild/addon-upload"
	addonUploadLegacyPath = "/api/guild-sync/addon-upload" // the original companion's address
	addonUploadLimit      = 30
	addonUploadWindow     = 10 * time.Minute
)

// AddonMatchingJob is the job an upload that changed notes, ranks or GUIDs
// asks the runner to start: the guild sync's identity engine (then its
// integrity check), so new notes become links without waiting for the next
// Blizzard sync.
const AddonMatchingJob = guildsync.JobIdentity

// addonUploadKeys counts uploads per client IP and per key prefix, so a
// leaked key cannot be used to flood from many addresses.
func (s *Server) addonUploadKeys(c fiber.Ctx) []string {
	keys := []string{"addon:ip:" + s.clientIP(c)}
	if k := strings.TrimSpace(c.Get("X-API-Key")); len(k) >= 14 {
		keys = append(keys, "addon:key:"+k[:14])
	}
	return keys
}

// addonUploadResponse is the upload's result plus whether matching was
// started.
type addonUploadResponse struct {
	*addonupload.Result
	Matching string `json:"matching"`
}

func (s *Server) addonUpload(c fiber.Ctx) error {
	ctx := c.Context()
	who, err := addonupload.Authenticate(ctx, s.db(c), s.Config.AddonAPIKey, c.Get("X-API-Key"), s.Now())
	if err != nil {
		return err // the error handler answers with the status and the envelope
	}
	body := c.Body()
	if len(body) > addonupload.MaxBodyBytes {
		return apiError(c, fiber.StatusRequestEntityTooLarge, fmt.Sprintf("Upload too large: %d bytes, the limit is %d MiB.", len(body), addonupload.MaxBodyBytes>>20))
	}
	var exp *addonupload.Export
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEApplicationJSON) {
		exp, err = addonupload.DecodeJSON(body)
		if err == nil && exp.ExportTime == 0 {
			// The original companion sent the export time only as a header.
			exp.ExportTime, _ = strconv.ParseInt(c.Get("X-Export-Time"), 10, 64)
		}
	} else {
		exp, err = addonupload.DecodeSavedVariables(body)
	}
	if err != nil {
		return err // the error handler answers with the status and the envelope
	}
	res, err := addonupload.Ingest(ctx, s.db(c), addonupload.Received{Uploader: who, Body: body, Export: exp}, s.Now())
	if err != nil {
		return err // the error handler answers with the status and the envelope
	}
	out := addonUploadResponse{Result: res, Matching: "not needed"}
	if res.Changed() {
		out.Matching = s.startAddonMatching()
	}
	s.Log.Info("addon upload", "uploader", who.Name, "status", res.Status, "received", res.Received,
		"updated", res.Updated, "not_found", len(res.NotFound), "matching", out.Matching)
	return apiOK(c, out)
}

// startAddonMatching asks the job runner for identity matching now.
func (s *Server) startAddonMatching() string {
	if s.Jobs == nil {
		return "not available"
	}
	err := s.Jobs.RunNow(AddonMatchingJob)
	switch {
	case err == nil:
		return "started"
	case errors.Is(err, jobs.ErrBusy):
		return "already running"
	}
	s.Log.Warn("addon upload: identity matching not started", "err", err)
	return "not available"
}

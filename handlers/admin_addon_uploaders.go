package handlers

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v3"

	"patt/fault"
	"patt/models"
	"patt/sync/addonupload"
)

// The officers' page for PATTSync uploader keys: issue a key per person
// (shown once, stored hashed), see when each was last used, revoke it; and
// the latest uploads with what they changed. One fragment (#addon-uploaders)
// is the whole panel, so htmx swaps and plain form posts render the same.

type uploaderRow struct {
	ID        int
	Name      string
	Prefix    string
	Created   string
	LastUsed  string
	Revoked   string
	IsRevoked bool
}

type uploadRow struct {
	Received  string
	Uploader  string
	Status    string
	Exporter  string
	Members   int
	Updated   int
	NotFound  int
	SchemaVer int
}

type addonUploadersPage struct {
	Keys     []uploaderRow
	Uploads  []uploadRow
	Zone     string
	NewKey   string // the key just issued, shown this once
	NewName  string
	Name     string // the form value after a refusal
	Error    string
	Message  string
	Endpoint string
	SiteURL  string // what the companion's -server should be
	CSRF     string
}

func (s *Server) adminAddonUploadersShow(c fiber.Ctx) error {
	return s.renderAddonUploaders(c, fiber.StatusOK, &addonUploadersPage{})
}

func (s *Server) adminAddonUploaderCreate(c fiber.Ctx) error {
	v := viewerOf(c)
	var by *int
	if v != nil && v.PlayerID > 0 {
		id := v.PlayerID
		by = &id
	}
	u, key, err := addonupload.CreateUploader(c.Context(), s.db(c), c.FormValue("name"), by, s.Now())
	if err != nil {
		if status, ok := refusal(err); ok {
			return s.renderAddonUploaders(c, status, &addonUploadersPage{Name: c.FormValue("name"), Error: fault.MessageOf(err)})
		}
		return err
	}
	return s.renderAddonUploaders(c, fiber.StatusCreated, &addonUploadersPage{NewKey: key, NewName: u.Name})
}

func (s *Server) adminAddonUploaderRevoke(c fiber.Ctx) error {
	id, err := atoiParam(c, "id")
	if err != nil || id <= 0 {
		return fiber.ErrNotFound
	}
	u, err := addonupload.RevokeUploader(c.Context(), s.db(c), id, s.Now())
	if err != nil {
		return err // 404 for an unknown key, via the error handler
	}
	return s.renderAddonUploaders(c, fiber.StatusOK, &addonUploadersPage{Message: "Key “" + u.Name + "” revoked: uploads with it are refused from now on."})
}

func (s *Server) renderAddonUploaders(c fiber.Ctx, status int, p *addonUploadersPage) error {
	zone := s.Config.GuildTimezone
	if v := viewerOf(c); v != nil && v.PlayerID > 0 {
		if z, err := s.viewerZone(c, v); err == nil && z != nil {
			zone = z
		}
	}
	when := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.In(zone).Format("Mon 2 Jan 2006 15:04 MST")
	}
	keys, err := addonupload.ListUploaders(c.Context(), s.db(c))
	if err != nil {
		return err
	}
	for _, k := range keys {
		created := k.CreatedAt
		p.Keys = append(p.Keys, uploaderRow{ID: k.ID, Name: k.Name, Prefix: k.KeyPrefix, Created: when(&created),
			LastUsed: when(k.LastUsedAt), Revoked: when(k.RevokedAt), IsRevoked: k.RevokedAt != nil})
	}
	ups, err := addonupload.LastUploads(c.Context(), s.db(c), 15)
	if err != nil {
		return err
	}
	for _, u := range ups {
		p.Uploads = append(p.Uploads, uploadFromModel(u, when))
	}
	p.Zone = zone.String()
	p.Endpoint = addonUploadPath
	p.SiteURL = s.Config.BaseURL
	p.CSRF = csrfToken(c)
	page := &Page{Title: "Addon Uploads", Data: p}
	if isHTMX(c) {
		return s.renderFragment(c, status, "partials/admin/addon_uploaders", page)
	}
	return s.renderAdmin(c, status, "pages/admin/addon_uploaders", page)
}

func uploadFromModel(u models.AddonUpload, when func(*time.Time) string) uploadRow {
	r := uploadRow{Received: when(&u.ReceivedAt), Uploader: u.UploaderName, Status: u.Status, Members: u.MemberCount, SchemaVer: u.SchemaVersion}
	if u.ExporterName != "" {
		r.Exporter = u.ExporterName + "-" + u.ExporterRealm
	}
	var sum addonupload.Result
	if len(u.Summary) > 0 {
		if err := json.Unmarshal(u.Summary, &sum); err == nil {
			r.Updated, r.NotFound = sum.Updated, len(sum.NotFound)
		}
	}
	return r
}

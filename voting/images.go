package voting

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	driveFilePath = regexp.MustCompile(`/file/d/([A-Za-z0-9_-]+)`)
	driveBareID   = regexp.MustCompile(`^[A-Za-z0-9_-]{20,}$`)
	driveIDParam  = regexp.MustCompile(`^[A-Za-z0-9_-]+$`)
)

// DriveImageURL is the one form a Google Drive image is stored in. Drive's
// own uc?export=view answers with a redirect to googleusercontent.com; this
// host serves the image directly, and the CSP allows it.
func DriveImageURL(id string) string {
	return "https://lh3.googleusercontent.com/d/" + id
}

// NormalizeImageURL turns an image link as an officer pastes it into what
// is stored (voting §3): every Google Drive form — /file/d/<id>/…,
// open?id=, uc?id=…, thumbnail?id=, an lh3 /d/ link or a bare file id —
// becomes DriveImageURL(id); other http(s) URLs are kept; "" stays empty.
// ok is false for text that is not an image link at all.
func NormalizeImageURL(raw string) (normalized string, ok bool) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", true
	}
	if driveBareID.MatchString(s) {
		return DriveImageURL(s), true
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	host := strings.ToLower(u.Hostname())
	switch {
	case host == "drive.google.com" || host == "docs.google.com":
		if m := driveFilePath.FindStringSubmatch(u.Path); m != nil {
			return DriveImageURL(m[1]), true
		}
		if id := u.Query().Get("id"); driveIDParam.MatchString(id) {
			return DriveImageURL(id), true
		}
	case host == "lh3.googleusercontent.com" && strings.HasPrefix(u.Path, "/d/"):
		id := strings.SplitN(strings.TrimPrefix(u.Path, "/d/"), "=", 2)[0]
		if driveIDParam.MatchString(id) {
			return DriveImageURL(id), true
		}
	}
	return u.String(), true
}

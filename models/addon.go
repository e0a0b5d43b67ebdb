package models

import (
	"time"

	"gorm.io/datatypes"
	"gorm.io/gorm/schema"
)

// AddonUploader is someone allowed to upload PATTSync exports: an officer
// issues a key per person (or per PC). Only the key's SHA-256 is stored;
// KeyPrefix is the key's public first part, shown to tell keys apart and
// used to find the row before the constant-time hash comparison.
type AddonUploader struct {
	ID                int `gorm:"primaryKey"`
	Name              string
	KeyPrefix         string
	KeyHash           string
	CreatedByPlayerID *int
	CreatedAt         time.Time
	LastUsedAt        *time.Time
	RevokedAt         *time.Time
}

func (AddonUploader) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "addon_uploaders")
}

// AddonUpload is one upload received. Status is "applied" or "stale" (an
// older export than one already applied: kept for audit, changes nothing).
// Raw is the body as received, cleared by the retention job. Summary is the
// JSON of what the upload changed.
type AddonUpload struct {
	ID            int `gorm:"primaryKey"`
	UploaderID    *int
	UploaderName  string
	Status        string
	SchemaVersion int
	AddonVersion  string
	ExportTime    int64
	ExporterName  string
	ExporterRealm string
	GuildName     string
	MemberCount   int
	ContentHash   string
	Summary       datatypes.JSON
	Raw           *string
	SyncLogID     *int
	ReceivedAt    time.Time
}

func (AddonUpload) TableName(namer schema.Namer) string {
	return tableName(namer, "guild_identity", "addon_uploads")
}

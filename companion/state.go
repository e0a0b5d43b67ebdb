package main

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// fileRecord is what the companion remembers about one PATTSync.lua: the
// last export it delivered and the content it last dealt with, so a
// restart neither re-uploads nor forgets a refused file.
type fileRecord struct {
	ExportTime int64     `json:"export_time"`
	Hash       string    `json:"hash"`
	Outcome    string    `json:"outcome"` // applied, duplicate, stale, refused
	Message    string    `json:"message,omitempty"`
	At         time.Time `json:"at"`
}

type state struct {
	path  string
	Files map[string]fileRecord `json:"files"`
}

func loadState(path string) (*state, error) {
	s := &state{path: path, Files: map[string]fileRecord{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, s); err != nil {
		// A damaged state file costs at most one re-upload, which the
		// site recognises as a duplicate: start afresh rather than stop.
		return &state{path: path, Files: map[string]fileRecord{}}, nil
	}
	if s.Files == nil {
		s.Files = map[string]fileRecord{}
	}
	return s, nil
}

// save writes the state atomically (temp file + rename).
func (s *state) save() error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.path)
}

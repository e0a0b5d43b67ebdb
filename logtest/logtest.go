// Package logtest holds the log sink tests share: a buffer a test can read
// while goroutines of the code under test write to it.
package logtest

import (
	"bytes"
	"sync"
)

// Buffer is a concurrency-safe io.Writer whose content can be read at any
// time. The zero value is ready to use.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String is everything written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

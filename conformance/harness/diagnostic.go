package harness

import (
	"fmt"
	"strings"
	"sync"

	"github.com/influxdata/kapacitor/keyvalue"
)

// Diagnostic is the udf.Diagnostic kapacitord hands its UDF process/socket:
// Kapacitor reports errors from the UDF (ErrorResponse texts, keepalive
// timeouts, unrequested responses) through Error, and every stderr line of a
// process UDF through UDFLog. Recording both lets scenarios check what
// Kapacitor's side saw, and print the UDF's log when a scenario fails.
type Diagnostic struct {
	mu     sync.Mutex
	errors []string
	logs   []string
}

func (d *Diagnostic) Error(msg string, err error, ctx ...keyvalue.T) {
	d.mu.Lock()
	defer d.mu.Unlock()
	text := msg
	if err != nil {
		text += ": " + err.Error()
	}
	for _, kv := range ctx {
		text += fmt.Sprintf(" %s=%s", kv.Key, kv.Value)
	}
	d.errors = append(d.errors, text)
}

func (d *Diagnostic) UDFLog(msg string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.logs = append(d.logs, msg)
}

// Errors are the errors Kapacitor's side reported, oldest first.
func (d *Diagnostic) Errors() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.errors...)
}

// Logs are the UDF's stderr lines as Kapacitor logged them.
func (d *Diagnostic) Logs() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.logs...)
}

func (d *Diagnostic) String() string {
	return fmt.Sprintf("errors reported by Kapacitor's side:\n  %s\nUDF log (stderr):\n  %s",
		strings.Join(d.Errors(), "\n  "), strings.Join(d.Logs(), "\n  "))
}

package harness

import (
	"time"

	"github.com/influxdata/kapacitor"
	"github.com/influxdata/kapacitor/command"
	"github.com/influxdata/kapacitor/udf"
)

// KeepaliveTimeout is kapacitord's default `timeout` of a [[udf.functions]]
// entry: Kapacitor sends a KeepaliveRequest every half of it and aborts the
// task when nothing comes back for that long, so the scenarios also exercise
// keepalives whenever they run long enough.
const KeepaliveTimeout = 10 * time.Second

// Launcher creates a fresh udf.Interface for one task node, exactly as
// kapacitord's UDF service does (services/udf.Service.Create): a process UDF
// is kapacitor.NewUDFProcess with command.ExecCommander, a socket UDF is
// kapacitor.NewUDFSocket over kapacitor.NewSocketConn.
type Launcher struct {
	// Description names what runs, for failure messages.
	Description string
	New         func(taskID, nodeID string, d udf.Diagnostic, abortCallback func()) udf.Interface
}

// Process is a process UDF started from spec for every task node.
func Process(description string, spec command.Spec) Launcher {
	return Launcher{
		Description: description,
		New: func(taskID, nodeID string, d udf.Diagnostic, abortCallback func()) udf.Interface {
			return kapacitor.NewUDFProcess(taskID, nodeID, command.ExecCommander, spec, d, KeepaliveTimeout, abortCallback)
		},
	}
}

// Socket is a socket UDF: every task node opens a new connection to path.
func Socket(description, path string) Launcher {
	return Launcher{
		Description: description,
		New: func(taskID, nodeID string, d udf.Diagnostic, abortCallback func()) udf.Interface {
			return kapacitor.NewUDFSocket(taskID, nodeID, kapacitor.NewSocketConn(path), d, KeepaliveTimeout, abortCallback)
		},
	}
}

// SpecInDir is the command.Spec that runs prog with args in dir. Kapacitor's
// command.Spec has no working directory (kapacitord starts UDFs in its own),
// so, as one would in kapacitor.conf, a shell changes directory and then
// execs the program: the process Kapacitor talks to and waits for is prog
// itself, not a shell.
func SpecInDir(dir, prog string, args ...string) command.Spec {
	return command.Spec{
		Prog: "/bin/sh",
		Args: append([]string{"-c", `cd "$0" && exec "$@"`, dir, prog}, args...),
		Env:  environ(),
	}
}

package vectors

import "github.com/influxdata/kapacitor/udf/agent"

// Responses is the catalogue of UDF → Kapacitor messages the vectors hold, in
// file order: every Response case, with success and failure forms of the
// management answers, built with Kapacitor's own generated Go types.
func Responses() []*agent.Response {
	return []*agent.Response{
		// An InfoResponse for a stream → stream UDF without options: all defaults.
		{Message: &agent.Response_Info{Info: &agent.InfoResponse{}}},
		// BATCH wants, STREAM provides (0, so absent on the wire), a map of
		// OptionInfo values, one of them a flag (an empty OptionInfo, written
		// as an entry with an empty value), and a packed repeated enum.
		{Message: &agent.Response_Info{Info: &agent.InfoResponse{
			Wants:    agent.EdgeType_BATCH,
			Provides: agent.EdgeType_STREAM,
			Options: map[string]*agent.OptionInfo{
				"field":   {ValueTypes: []agent.ValueType{agent.ValueType_STRING, agent.ValueType_DOUBLE}},
				"size":    {ValueTypes: []agent.ValueType{agent.ValueType_INT}},
				"period":  {ValueTypes: []agent.ValueType{agent.ValueType_DURATION}},
				"enabled": {ValueTypes: []agent.ValueType{agent.ValueType_BOOL}},
				"flag":    {},
			},
		}}},
		{Message: &agent.Response_Init{Init: &agent.InitResponse{Success: true}}},
		{Message: &agent.Response_Init{Init: &agent.InitResponse{Error: "must supply field"}}},
		// The echo of the keepalive request's time.
		{Message: &agent.Response_Keepalive{Keepalive: &agent.KeepaliveResponse{Time: 1732567890123456789}}},
		{Message: &agent.Response_Snapshot{Snapshot: &agent.SnapshotResponse{Snapshot: []byte(`{"window":[1,2,3]}`)}}},
		// Nothing to save: empty snapshot bytes.
		{Message: &agent.Response_Snapshot{Snapshot: &agent.SnapshotResponse{}}},
		{Message: &agent.Response_Restore{Restore: &agent.RestoreResponse{Success: true}}},
		{Message: &agent.Response_Restore{Restore: &agent.RestoreResponse{Error: "invalid snapshot"}}},
		{Message: &agent.Response_Error{Error: &agent.ErrorResponse{Error: "boom: handler failed"}}},
		// Batch output: the data messages have the same field numbers as in Request.
		{Message: &agent.Response_Begin{Begin: &agent.BeginBatch{
			Name:  "cpu",
			Group: "host=server01",
			Tags:  map[string]string{"host": "server01"},
		}}},
		{Message: &agent.Response_Point{Point: extremesPoint()}},
		{Message: &agent.Response_End{End: &agent.EndBatch{
			Name:  "cpu",
			Group: "host=server01",
			Tmax:  1700000002000000000,
			Tags:  map[string]string{"host": "server01"},
		}}},
	}
}

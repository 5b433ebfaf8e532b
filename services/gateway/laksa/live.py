"""LAKSA's live section: received, resolved and resolved on time, per region."""
from services.gateway.live.checked import LIVE_RPC_TIMEOUT, CheckedSection
from services.servicekit.rpc import call


class AspirasiSection(CheckedSection):
    """Received, resolved and the share resolved on time, per region."""

    name = "aspirasi"
    source = "aspirasi"
    events = ("aspirasi_submitted", "aspirasi_status_changed")

    def rebuild(self, rpc, region_code):
        answer = call(rpc.aspirasi.live_marks, [region_code], timeout=LIVE_RPC_TIMEOUT)
        return {**self.with_share(answer["regions"][region_code]), "as_of": answer["as_of"]}

    def mark(self, data):
        return {k: data[k] for k in ("received", "resolved", "resolved_on_time")}

    @staticmethod
    def with_share(data):
        """No share without a denominator: None (shown as "–") while nothing is resolved."""
        resolved = data["resolved"]
        return {**data, "share_resolved_on_time":
                round(data["resolved_on_time"] / resolved, 4) if resolved else None}

    def apply(self, data, event):
        data = dict(data)
        payload = event["payload"]
        if event["event_type"] == "aspirasi_submitted":
            data["received"] += 1
        elif payload["to"] == "resolved":
            data["resolved"] += 1
            data["resolved_on_time"] += 1 if payload["on_time"] else 0
        elif payload["from"] == "resolved":  # reopened or closed
            data["resolved"] -= 1
            data["resolved_on_time"] -= 1 if payload["on_time"] else 0
        return self.with_share(data)

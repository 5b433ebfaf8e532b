"""The events Pencaker announces, and the payloads they carry."""
from services.servicekit.envelope import isoformat, new_event


def pencaker_event(event_type, region, **payload):
    return new_event(event_type, "pencaker", region, payload)


def posted_payload(vacancy):
    return {"vacancy_id": vacancy["_id"], "title": vacancy["title"],
            "employer_id": vacancy["employer_id"], "employer_name": vacancy["employer_name"],
            "location_region": vacancy["region"], "employment_type": vacancy["employment_type"],
            "education": vacancy["education"], "skills": vacancy["skills"],
            "salary": vacancy["salary"], "openings": vacancy["openings"],
            "valid_through": isoformat(vacancy["valid_through"]),
            "posted_at": isoformat(vacancy["posted_at"])}


def closed_event(vacancy, changes):
    return pencaker_event("vacancy_closed", vacancy["region"], vacancy_id=vacancy["_id"],
                          title=vacancy["title"], reason=changes["close_reason"],
                          closed_at=isoformat(changes["closed_at"]))

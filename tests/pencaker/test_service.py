"""The pencaker service on the real broker and store."""
import time
from datetime import timedelta

import eventlet
import pytest
from kombu import Connection, Queue
from nameko.events import event_handler
from prometheus_client import REGISTRY

from services.gateway.pencaker.live import VacanciesSection
from services.pencaker.service import PencakerService
from services.servicekit.envelope import utcnow
from services.servicekit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from services.servicekit.outbox import shared_exchange
from tests.helpers import assert_live_item, assert_same_live_item, rpc, signed, start_with_recorder

EVENT_TYPES = ("seeker_registered", "vacancy_posted", "vacancy_closed", "application_submitted",
               "application_status_changed", "match_found", "seeker_placed",
               "seeker_report_window_opened")
OFFICER = signed("disnaker_officer", "36.71", "officer@36.71")
EMPLOYER = signed("citizen", "36.71", "hrd@majulogam")


def seeker_data(nik, born, region="36.71", sex="L", skills=("cnc", "bubut", "las"), level="smk"):
    return {"nik": nik, "name": "Budi Santoso", "birth_place": "Tangerang", "birth_date": born,
            "sex": sex, "education": {"level": level, "major": "Mesin", "institution": "SMKN 4 Tangerang",
                                      "graduation_year": 2016},
            "domicile_address": "Jl. Merdeka 10", "marital_status": "belum_kawin", "religion": "islam",
            "desired_position": {"title": "Operator CNC", "kbji": "7223"}, "skills": list(skills),
            "expected_salary": 5_000_000, "contact": {"phone": "081234567890", "email": "budi@example.id"}}


BUDI = seeker_data("3671011405980001", "1998-05-14")
SITI = seeker_data("3602014302000002", "2000-02-03", region="36.02", sex="P", skills=("cnc", "bubut"))


def vacancy_data(**changes):
    data = {"title": "Operator CNC", "description": "Mengoperasikan mesin CNC.",
            "employment_type": ["FULL_TIME"], "education": "smk", "skills": ["cnc", "bubut", "las"],
            "salary": {"min": 5_000_000, "max": 6_000_000, "unit": "MONTH"},
            "valid_through": (utcnow() + timedelta(days=30)).date().isoformat(), "openings": 1}
    data.update(changes)
    return data


class Recorder:
    name = "pencaker_recorder"
    seen = []


for _type in EVENT_TYPES:
    def _handler(self, event):
        Recorder.seen.append(event)
    _handler.__name__ = f"on_{_type}"
    setattr(Recorder, _handler.__name__, event_handler("pencaker", _type)(_handler))


def wait_for(predicate, what, seconds=10):
    deadline = time.monotonic() + seconds
    while True:
        found = [e for e in Recorder.seen if predicate(e)]
        if found:
            return found
        assert time.monotonic() < deadline, f"never saw {what}"
        eventlet.sleep(0.05)


def of_type(event_type, **payload):
    return lambda e: e["event_type"] == event_type and all(
        e["payload"].get(k) == v for k, v in payload.items())


@pytest.fixture
def pencaker(container_factory, service_config):
    config = service_config("pencaker")
    container, _ = start_with_recorder(container_factory, config, PencakerService, Recorder)
    return container, config


def as_seeker(seeker):
    return signed("citizen", seeker["region"], seeker["seeker_id"])


def published_vacancy(container, **changes):
    employer = rpc(container, "create_employer", "36.71",
                   {"name": "PT Maju Logam", "contact": {"email": "hrd@majulogam.co.id"}}, caller=EMPLOYER)
    vacancy = rpc(container, "post_vacancy", employer["_id"], vacancy_data(**changes), caller=EMPLOYER)
    return rpc(container, "verify_vacancy", vacancy["id"], caller=OFFICER)


def test_registration_issues_a_card_and_one_nik_registers_once(pencaker, mongo_db):
    container, _ = pencaker
    seeker = rpc(container, "register_seeker", "36.71", BUDI)
    assert seeker["card_number"].startswith("AK1-3671-") and seeker["status"] == "active"
    assert seeker["valid_until"] - seeker["issued_at"] >= timedelta(days=730)
    event = wait_for(of_type("seeker_registered", seeker_id=seeker["seeker_id"]), "seeker_registered")
    text = repr(event)
    for personal in ("3671011405980001", "Budi", "081234567890", "budi@example.id", "1998"):
        assert personal not in text
    with pytest.raises(Conflict) as excinfo:
        rpc(container, "register_seeker", "36.71", {**BUDI, "name": "Budi S."})
    assert excinfo.value.details["field"] == "nik"
    with pytest.raises(ValidationFailed) as excinfo:
        rpc(container, "register_seeker", "36.71", {**BUDI, "nik": "3671011413980001"})  # month 13
    assert excinfo.value.details["field"] == "nik"
    assert mongo_db.seekers.count_documents({}) == 1
    # a NIK from Kab. Tangerang registers in Kota Tangerang, flagged for Disnaker
    mover = rpc(container, "register_seeker", "36.71", {**BUDI, "nik": "3603011405980001"})
    assert mongo_db.seekers.find_one({"_id": mover["seeker_id"]})["nik_outside_region"] in (True, 1)
    seen = rpc(container, "get_seeker", mover["seeker_id"], caller=OFFICER)
    assert (seen["nik_outside_region"], seen["nik_note"]) == (True, "NIK dari luar daerah")
    assert mongo_db.seekers.count_documents({}) == 2


def test_a_seeker_sees_and_edits_only_their_own_record(pencaker):
    container, _ = pencaker
    budi = rpc(container, "register_seeker", "36.71", BUDI)
    siti = rpc(container, "register_seeker", "36.02", SITI)
    assert rpc(container, "get_seeker", budi["seeker_id"], caller=as_seeker(budi))["nik"] == BUDI["nik"]
    with pytest.raises(Forbidden):
        rpc(container, "get_seeker", budi["seeker_id"], caller=as_seeker(siti))
    with pytest.raises(Forbidden):
        rpc(container, "update_seeker", budi["seeker_id"], {"skills": ["las"]}, caller=as_seeker(siti))
    updated = rpc(container, "update_seeker", budi["seeker_id"], {"skills": ["las", "CNC"]},
                  caller=as_seeker(budi))
    assert updated["skills"] == ["las", "cnc"] and updated["version"] == 2
    lebak_officer = signed("disnaker_officer", "36.02", "o")
    assert rpc(container, "get_seeker", siti["seeker_id"], caller=lebak_officer)["sex"] == "P"
    with pytest.raises(Forbidden):
        rpc(container, "get_seeker", budi["seeker_id"], caller=lebak_officer)


def test_vacancy_lifecycle_matching_applications_and_placement(pencaker):
    container, config = pencaker
    budi = rpc(container, "register_seeker", "36.71", BUDI)
    siti = rpc(container, "register_seeker", "36.02", SITI)
    employer = rpc(container, "create_employer", "36.71",
                   {"name": "PT Maju Logam", "contact": {"email": "hrd@majulogam.co.id"}}, caller=EMPLOYER)
    pending = rpc(container, "post_vacancy", employer["_id"], vacancy_data(), caller=EMPLOYER)
    assert pending["status"] == "pending"
    # not public before verification
    assert rpc(container, "search_vacancies", "36.71", {})["total"] == 0
    with pytest.raises(NotFound):
        rpc(container, "get_vacancy", pending["id"])
    with pytest.raises(Forbidden):
        rpc(container, "verify_vacancy", pending["id"], caller=signed("disnaker_officer", "36.02"))

    with Connection(config["AMQP_URI"]) as conn:  # a partner region's subscription
        queue = Queue("", exchange=shared_exchange, routing_key="pencaker.vacancy_posted.#",
                      exclusive=True, auto_delete=True)
        with conn.SimpleQueue(queue) as partner:
            published = rpc(container, "verify_vacancy", pending["id"], caller=OFFICER)
            shared = partner.get(timeout=10)
            posted = shared.payload
            assert posted["payload"]["vacancy_id"] == pending["id"]
            assert shared.delivery_info["routing_key"] == "pencaker.vacancy_posted.36.71"
            shared.ack()
    assert published["status"] == "published" and published["matches_announced"] == 2
    wait_for(lambda e: len([m for m in Recorder.seen if m["event_type"] == "match_found"]) == 2, "2 matches")
    scores = {e["payload"]["seeker_id"]: e["payload"]["score"] for e in Recorder.seen
              if e["event_type"] == "match_found"}
    assert scores[budi["seeker_id"]] > scores[siti["seeker_id"]]
    # a match_found travels in the seeker's region
    regions = {e["payload"]["seeker_id"]: e["region"] for e in Recorder.seen
               if e["event_type"] == "match_found"}
    assert regions == {budi["seeker_id"]: "36.71", siti["seeker_id"]: "36.02"}

    # Lebak shows Kota Tangerang's vacancies by default
    found = rpc(container, "search_vacancies", "36.02", {"q": "cnc"})
    assert [v["id"] for v in found["items"]] == [pending["id"]]
    top = rpc(container, "matches_for_seeker", siti["seeker_id"], caller=as_seeker(siti))
    assert top[0]["vacancy"]["id"] == pending["id"] and "missing las" in top[0]["factors"]["skills"]["reason"]
    # the live view's vacancy, also a match's card: the same read from us as applied from the event
    [newest] = rpc(container, "live_summary", "36.71")["newest"]
    applied = VacanciesSection().apply({"open": 0, "newest": [], "sources": ["36.71"]}, posted)["newest"][0]
    assert_same_live_item(newest, applied, "posted_at")
    assert top[0]["vacancy"] == newest
    assert_live_item("vacancy_posted", newest)
    for_vacancy = rpc(container, "matches_for_vacancy", pending["id"], caller=EMPLOYER)
    assert [m["seeker"]["seeker_id"] for m in for_vacancy] == [budi["seeker_id"], siti["seeker_id"]]
    assert "nik" not in repr(for_vacancy) and "Budi" not in repr(for_vacancy)

    application = rpc(container, "apply", pending["id"], caller=as_seeker(budi))
    wait_for(of_type("application_submitted", application_id=application["id"]), "application_submitted")
    with pytest.raises(Conflict) as excinfo:
        rpc(container, "apply", pending["id"], caller=as_seeker(budi))
    assert "already applied" in excinfo.value.message
    with pytest.raises(Forbidden):  # officers do not apply
        rpc(container, "apply", pending["id"], caller=OFFICER)
    other = rpc(container, "apply", pending["id"], caller=as_seeker(siti))
    rpc(container, "withdraw_application", other["id"], caller=as_seeker(siti))
    # News of Siti's (36.02) application in 36.71 is an event of 36.71: her contact for that
    # application, and only for it
    notifications = signed("service", subject="notifications", service="pencaker")
    assert rpc(container, "notification_recipient", siti["seeker_id"], caller=notifications,
               acting_for="36.71", application_id=other["id"])["phone"] == "081234567890"
    with pytest.raises(Forbidden, match="the record is of region 36.02"):
        rpc(container, "notification_recipient", siti["seeker_id"], caller=notifications, acting_for="36.71")
    with pytest.raises(Forbidden, match="is not seeker"):
        rpc(container, "notification_recipient", siti["seeker_id"], caller=notifications,
            acting_for="36.71", application_id=application["id"])

    with pytest.raises(Forbidden):
        rpc(container, "move_application", application["id"], "interview", caller=as_seeker(budi))
    rpc(container, "move_application", application["id"], "interview", caller=EMPLOYER)
    accepted = rpc(container, "move_application", application["id"], "accepted", caller=EMPLOYER,
                   note="Mulai Senin")
    assert accepted["status"] == "accepted"
    wait_for(of_type("seeker_placed", seeker_id=budi["seeker_id"]), "seeker_placed")
    # one opening, one acceptance: the vacancy is filled and closes
    wait_for(of_type("vacancy_closed", vacancy_id=pending["id"], reason="filled"), "vacancy_closed")
    assert rpc(container, "get_seeker", budi["seeker_id"], caller=as_seeker(budi))["status"] == "placed"
    assert rpc(container, "get_vacancy", pending["id"])["open"] is False
    with pytest.raises(Conflict, match="closed"):
        rpc(container, "apply", pending["id"], caller=as_seeker(siti))
    changes = [(e["payload"]["from"], e["payload"]["to"]) for e in Recorder.seen
               if e["event_type"] == "application_status_changed"]
    assert sorted(changes) == sorted([("submitted", "withdrawn"), ("submitted", "interview"),
                                      ("interview", "accepted")])


def test_vacancy_past_valid_through_closes_by_itself(pencaker, mongo_db):
    container, _ = pencaker
    vacancy = published_vacancy(container)
    assert rpc(container, "live_summary", "36.71")["open"] == 1
    stored = mongo_db.vacancies.find_one({"_id": vacancy["id"]})
    mongo_db.vacancies.replace_one({"_id": vacancy["id"]},
                                   {**stored, "valid_through": utcnow() - timedelta(seconds=1)})
    # invisible at once, closed (and announced) by the sweep
    assert rpc(container, "search_vacancies", "36.71", {})["total"] == 0
    assert rpc(container, "sweep")["vacancies_closed"] == 1
    wait_for(of_type("vacancy_closed", vacancy_id=vacancy["id"], reason="expired"), "vacancy_closed")
    assert rpc(container, "sweep")["vacancies_closed"] == 0
    summary = rpc(container, "live_summary", "36.71")
    assert (summary["open"], summary["newest"]) == (0, [])
    assert rpc(container, "live_marks", ["36.71"])["regions"]["36.71"] == {
        "open": 0, "newest": [], "sources": ["36.71"]}


def test_open_vacancies_gauge(pencaker):
    container, _ = pencaker
    published_vacancy(container)
    rpc(container, "expiry_clock")
    assert REGISTRY.get_sample_value("tl_pencaker_open_vacancies", {"region": "36.71"}) == 1
    assert REGISTRY.get_sample_value("tl_pencaker_open_vacancies", {"region": "36.02"}) == 0


def test_seekers_registered_gauge_is_recounted_from_the_store(pencaker, mongo_db):
    container, _ = pencaker
    rpc(container, "register_seeker", "36.71", BUDI)
    rpc(container, "register_seeker", "36.02", SITI)
    mongo_db.seekers.update_one({"region": "36.02"}, {"$set": {"status": "expired"}})
    rpc(container, "expiry_clock")
    assert REGISTRY.get_sample_value("tl_pencaker_seekers_registered", {"region": "36.71"}) == 1
    assert REGISTRY.get_sample_value("tl_pencaker_seekers_registered", {"region": "36.02"}) == 0


def test_interrupted_placement_is_finished_by_the_sweep(pencaker, mongo_db):
    container, _ = pencaker
    budi = rpc(container, "register_seeker", "36.71", BUDI)
    vacancy = published_vacancy(container, openings=2)
    application = rpc(container, "apply", vacancy["id"], caller=as_seeker(budi))
    # as if the process died right after writing the acceptance
    mongo_db.applications.update_one({"_id": application["id"]},
                                      {"$set": {"status": "accepted", "placement_pending": True}})
    rpc(container, "sweep")
    wait_for(of_type("seeker_placed", seeker_id=budi["seeker_id"]), "seeker_placed")
    assert mongo_db.applications.find_one({"_id": application["id"]})["placement_pending"] is False
    assert mongo_db.seekers.find_one({"_id": budi["seeker_id"]})["status"] == "placed"


def test_the_sweep_announces_an_open_report_window_once_and_contact_goes_by_rpc(pencaker, mongo_db):
    container, _ = pencaker
    budi = rpc(container, "register_seeker", "36.71", BUDI)
    stored = mongo_db.seekers.find_one({"_id": budi["seeker_id"]})
    due = utcnow() + timedelta(days=10)  # inside the 30-day window
    mongo_db.seekers.replace_one({"_id": stored["_id"]}, {**stored, "next_report_due": due})
    rpc(container, "sweep")
    rpc(container, "sweep")
    [event] = wait_for(of_type("seeker_report_window_opened", seeker_id=budi["seeker_id"]), "the window")
    assert set(event["payload"]) == {"seeker_id", "due"}  # no personal data in the event
    eventlet.sleep(0.3)
    assert len([e for e in Recorder.seen if e["payload"].get("seeker_id") == budi["seeker_id"]
                and e["event_type"] == "seeker_report_window_opened"]) == 1
    notifications = signed("service", subject="notifications", service="pencaker")
    assert rpc(container, "notification_recipient", budi["seeker_id"], caller=notifications,
               acting_for="36.71") == {"phone": "081234567890", "email": "budi@example.id"}
    with pytest.raises(Forbidden):  # another citizen may not read it
        rpc(container, "notification_recipient", budi["seeker_id"], caller=signed("citizen", "36.71"))
    for acting_for in ("36.01", None):  # nor a service for another region's event, or for none
        with pytest.raises(Forbidden, match="the record is of region 36.71"):
            rpc(container, "notification_recipient", budi["seeker_id"], caller=notifications,
                acting_for=acting_for)


def test_subscriptions_decide_which_regions_vacancies_a_region_shows(pencaker):
    container, _ = pencaker
    employer = rpc(container, "create_employer", "36.03",
                   {"name": "CV Tigaraksa", "contact": {"phone": "0215550000"}}, caller=EMPLOYER)
    pending = rpc(container, "post_vacancy", employer["_id"], vacancy_data(title="Tukang Las"),
                  caller=EMPLOYER)
    rpc(container, "verify_vacancy", pending["id"], caller=signed("disnaker_officer", "36.03"))
    assert rpc(container, "subscriptions", "36.02")["sources"] == ["36.02", "36.71"]
    assert rpc(container, "search_vacancies", "36.02", {})["total"] == 0
    assert rpc(container, "search_vacancies", "36.03", {})["total"] == 1
    with pytest.raises(ValidationFailed) as excinfo:
        rpc(container, "search_vacancies", "36.02", {"regions": "36.03"})
    assert excinfo.value.details["field"] == "regions"
    with pytest.raises(Forbidden):
        rpc(container, "set_subscriptions", "36.02", ["36.03"], caller=OFFICER)
    admin = signed("region_admin", "36.02", "admin")
    assert rpc(container, "set_subscriptions", "36.02", ["36.03", "36.71"], caller=admin)["sources"] == [
        "36.02", "36.03", "36.71"]
    found = rpc(container, "search_vacancies", "36.02", {"regions": "36.03"})
    assert [v["id"] for v in found["items"]] == [pending["id"]]
    siti = rpc(container, "register_seeker", "36.02", SITI)
    rpc(container, "apply", pending["id"], caller=as_seeker(siti))


def test_bad_vacancy_writes_nothing(pencaker, mongo_db):
    container, _ = pencaker
    employer = rpc(container, "create_employer", "36.71",
                   {"name": "PT Maju Logam", "contact": {"email": "hrd@majulogam.co.id"}}, caller=EMPLOYER)
    with pytest.raises(ValidationFailed) as excinfo:
        rpc(container, "post_vacancy", employer["_id"],
            vacancy_data(salary={"min": 9_000_000, "max": 6_000_000}), caller=EMPLOYER)
    assert excinfo.value.details["field"] == "salary.min"
    with pytest.raises(ValidationFailed) as excinfo:
        rpc(container, "post_vacancy", employer["_id"], vacancy_data(valid_through="2020-01-01"),
            caller=EMPLOYER)
    assert excinfo.value.details["field"] == "valid_through"
    with pytest.raises(Forbidden):
        rpc(container, "post_vacancy", employer["_id"], vacancy_data(),
            caller=signed("disnaker_officer", "36.02"))
    assert mongo_db.vacancies.count_documents({}) == 0

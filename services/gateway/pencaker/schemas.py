"""Pencaker's request schemas (the pencaker service's own commands and queries) and its
answers' shapes; web/schemas.py holds the shared ones."""
from services.gateway.web.schemas import (
    ARRAY,
    BOOL,
    INT,
    NUM,
    OBJECT,
    SOURCES,
    S,
    items_of,
    nullable,
    obj,
    record,
)
from services.pencaker import commands

# The commands' schemas are the domain's (one schema per command, checked again there).
SEEKER = commands.REGISTER_SEEKER
SEEKER_UPDATE = commands.UPDATE_SEEKER
EMPLOYER = commands.CREATE_EMPLOYER
VACANCY = commands.POST_VACANCY
REASON = commands.REJECT_VACANCY
APPLICATION = commands.APPLY
APPLICATION_MOVE = commands.MOVE_APPLICATION
VACANCY_QUERY = commands.SEARCH_QUERY
# who may set a region's vacancy sources is the pencaker service's decision: the
# route reads the body first, so `sources` is checked there, after the caller
VACANCY_SOURCES = obj({"sources": SOURCES["properties"]["sources"]})
VACANCY_FORMAT = {"format": {"type": "string", "enum": ["json", "jsonld"]}}
SALARY = record({"min": INT, "max": INT, "currency": S, "unit": S})
VACANCY_VIEW = record(
    {"id": S, "title": S, "description": S, "employment_type": {"type": "array", "items": S},
     "education": S, "skills": ARRAY, "region": S, "salary": SALARY, "valid_through": S,
     "openings": INT, "employer": OBJECT, "status": S, "open": BOOL, "created_at": S},
    {"kbji": nullable(S), "address": nullable(S), "posted_at": nullable(S), "close_reason": nullable(S),
     "reject_reason": nullable(S)})
VACANCY_SEARCH = items_of(VACANCY_VIEW, region=S, total=INT, page=INT, per_page=INT)
JOB_POSTING = record({"@context": S, "@type": S, "title": S, "description": S, "datePosted": S,
                      "validThrough": S, "hiringOrganization": OBJECT, "baseSalary": OBJECT})
SEEKER_VIEW = record({"seeker_id": S, "card_number": S, "region": S, "name": S, "education": OBJECT,
                      "skills": ARRAY, "contact": OBJECT, "status": S, "version": INT},
                     {"expected_salary": nullable(INT)})
SEEKER_REGISTERED = record({**SEEKER_VIEW["properties"], "token": S})
MATCHES = items_of(record({"score": NUM}))
APPLICATION_VIEW = record({"id": S, "vacancy_id": S, "seeker_id": S, "status": S, "submitted_at": S,
                           "history": ARRAY}, {"cover_letter": nullable(S)})
EMPLOYER_VIEW = record({"_id": S, "region": S, "name": S, "created_at": S},
                       {"sector": nullable(S), "url": nullable(S), "address": nullable(S)})
SEEKER_LINKS = {op: {"seeker_id": "$response.body#/seeker_id"}
                for op in ("get_seeker", "update_seeker", "seeker_matches", "seeker_applications")}
EMPLOYER_LINKS = {op: {"employer_id": "$response.body#/_id"}
                  for op in ("get_employer", "post_vacancy", "employer_vacancies")}
VACANCY_LINKS = {op: {"vacancy_id": "$response.body#/id"}
                 for op in ("get_vacancy", "vacancy_jsonld", "verify_vacancy", "reject_vacancy",
                            "close_vacancy", "vacancy_matches", "apply_to_vacancy")}
APPLICATION_LINKS = {op: {"application_id": "$response.body#/id"}
                     for op in ("withdraw_application", "move_application")}

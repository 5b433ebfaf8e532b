"""A vacancy as a schema.org JobPosting (JSON-LD), the shape Google for Jobs reads."""
from typing import Any

from services.servicekit.regions import Region

# Google's credentialCategory values for the minimum education.
CREDENTIALS = {"sma": "high school", "smk": "high school", "d1": "associate degree",
               "d2": "associate degree", "d3": "associate degree", "d4": "bachelor degree",
               "s1": "bachelor degree", "s2": "postgraduate degree", "s3": "postgraduate degree"}


def _education_requirements(level):
    if level not in CREDENTIALS:  # SD/SMP: Google reads "no requirements" as the text value
        return "no requirements"
    return {"@type": "EducationalOccupationalCredential", "credentialCategory": CREDENTIALS[level]}


def _valid_through(vacancy):
    """A filled or closed vacancy ends when it closed, never in the future."""
    end = vacancy["valid_through"]
    closed = vacancy.get("closed_at")
    return min(end, closed) if vacancy["status"] == "closed" and closed else end


def job_posting(vacancy: dict[str, Any], region: Region) -> dict[str, Any]:
    """The vacancy as a schema.org JobPosting with Google's required and
    recommended properties (https://developers.google.com/search/docs/appearance/structured-data/job-posting)."""
    salary = vacancy["salary"]
    address = {"@type": "PostalAddress", "addressLocality": region.name,
               "addressRegion": region.province, "addressCountry": "ID"}
    if vacancy.get("address"):
        address["streetAddress"] = vacancy["address"]
    posting = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": vacancy["title"],
        "description": vacancy["description"],
        "identifier": {"@type": "PropertyValue", "name": vacancy["employer_name"],
                       "value": vacancy["_id"]},
        "datePosted": (vacancy.get("posted_at") or vacancy["created_at"]).date().isoformat(),
        "validThrough": _valid_through(vacancy).isoformat(),
        "employmentType": vacancy["employment_type"],
        "hiringOrganization": {"@type": "Organization", "name": vacancy["employer_name"]},
        "jobLocation": {"@type": "Place", "address": address},
        "baseSalary": {"@type": "MonetaryAmount", "currency": "IDR",
                       "value": {"@type": "QuantitativeValue", "minValue": salary["min"],
                                 "maxValue": salary["max"], "unitText": salary["unit"]}},
        "totalJobOpenings": vacancy["openings"],
        "educationRequirements": _education_requirements(vacancy["education"]),
        "experienceRequirements": {"@type": "OccupationalExperienceRequirements",
                                   "monthsOfExperience": vacancy.get("experience_months", 0)},
        "experienceInPlaceOfEducation": False,
        "directApply": True,  # seekers apply on the vacancy's page itself
    }
    if vacancy.get("employer_url"):
        posting["hiringOrganization"]["sameAs"] = vacancy["employer_url"]
    if vacancy["skills"]:
        posting["skills"] = ", ".join(vacancy["skills"])
    if vacancy.get("kbji"):
        posting["occupationalCategory"] = vacancy["kbji"]
    return posting

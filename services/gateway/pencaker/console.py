"""The console's Disnaker section: vacancies waiting for verification (verify, or
reject with a reason), the region's employers and their vacancies, applications
per vacancy, and the AK/1 lookup by NIK. Disnaker officers and region admins of
the region; the pencaker service decides what each may see and do."""
from services.gateway.access.console import back, console, console_page
from services.gateway.web.http import read_form
from services.servicekit.contracts.pencaker import EDUCATION_RANK
from services.servicekit.errors import Conflict, ValidationFailed
from services.servicekit.rpc import RpcProxy, call

ROLES = ("disnaker_officer", "region_admin")
HOME = "/petugas/disnaker"
REJECT_FORM = {"type": "object", "properties": {"alasan": {"type": "string", "maxLength": 500},
                                               "csrf": {"type": "string", "maxLength": 100}}}
CSRF_FORM = {"type": "object", "properties": {"csrf": {"type": "string", "maxLength": 100}}}
NIK_QUERY = {"nik": {"type": "string", "maxLength": 40}}
VACANCY_STATES = {"pending": "Menunggu verifikasi", "published": "Tayang", "rejected": "Ditolak",
                  "closed": "Ditutup"}
APPLICATION_STATES = {"submitted": "Terkirim", "interview": "Wawancara", "accepted": "Diterima",
                      "rejected": "Ditolak", "withdrawn": "Ditarik", "placed": "Ditempatkan"}


def _why(error):
    """The officer's words for a refused verification or rejection."""
    if isinstance(error, Conflict) and error.details.get("field") == "valid_through":
        return "Batas tayang lowongan ini sudah lewat; pemberi kerja harus mengirimnya lagi."
    if isinstance(error, Conflict):
        return "Lowongan ini sudah diproses petugas lain; daftar di bawah sudah diperbarui."
    return "Tulis alasan penolakan agar pemberi kerja tahu apa yang harus diperbaiki."


class DisnakerConsole:
    pencaker = RpcProxy("pencaker")

    @console("GET", HOME, ROLES)
    def disnaker_pending(self, request, officer):
        """Vacancies of the officer's region waiting for verification, oldest first."""
        pending = officer.call(self.pencaker.pending_vacancies, officer.region)
        return console_page("console/disnaker.html", officer, active="disnaker", pending=pending,
                            educations=EDUCATION_RANK)

    @console("POST", HOME + "/lowongan/<string:vacancy_id>/verifikasi", ROLES, form=CSRF_FORM)
    def disnaker_verify(self, request, officer, vacancy_id):
        """Publish a vacancy: it shows on the region's loker page at once."""
        try:
            vacancy = officer.call(self.pencaker.verify_vacancy, vacancy_id)
        except (Conflict, ValidationFailed) as error:
            return back(HOME, error=_why(error))
        return back(HOME, f"Lowongan \u201c{vacancy['title']}\u201d sudah diverifikasi dan tayang.")

    @console("POST", HOME + "/lowongan/<string:vacancy_id>/tolak", ROLES, form=REJECT_FORM)
    def disnaker_reject(self, request, officer, vacancy_id):
        """Reject a vacancy with the reason its employer will read."""
        reason = (read_form(request).get("alasan") or "").strip()
        try:
            vacancy = officer.call(self.pencaker.reject_vacancy, vacancy_id, reason)
        except (Conflict, ValidationFailed) as error:
            return back(HOME, error=_why(error))
        return back(HOME, f"Lowongan \u201c{vacancy['title']}\u201d ditolak.")

    @console("GET", HOME + "/pemberi-kerja", ROLES)
    def disnaker_employers(self, request, officer):
        """The region's employers with their vacancies counted by status."""
        employers = officer.call(self.pencaker.employers, officer.region)
        return console_page("console/disnaker_pemberi_kerja.html", officer, active="disnaker",
                            employers=employers, states=VACANCY_STATES)

    @console("GET", HOME + "/pemberi-kerja/<string:employer_id>", ROLES)
    def disnaker_employer(self, request, officer, employer_id):
        """One employer's vacancies, each with a link to its applications."""
        employer = call(self.pencaker.get_employer, employer_id)
        vacancies = officer.call(self.pencaker.employer_vacancies, employer_id)
        return console_page("console/disnaker_lowongan.html", officer, active="disnaker",
                            employer=employer, vacancies=vacancies, states=VACANCY_STATES)

    @console("GET", HOME + "/lowongan/<string:vacancy_id>/lamaran", ROLES)
    def disnaker_applications(self, request, officer, vacancy_id):
        """Applications to one vacancy of the region."""
        applications = officer.call(self.pencaker.applications_for_vacancy, vacancy_id)
        vacancy = officer.call(self.pencaker.get_vacancy, vacancy_id)
        return console_page("console/disnaker_lamaran.html", officer, active="disnaker", vacancy=vacancy,
                            applications=applications, states=APPLICATION_STATES)

    @console("GET", HOME + "/ak1", ROLES, query=NIK_QUERY)
    def disnaker_seeker(self, request, officer):
        """Find an AK/1 card of the region by its holder's NIK."""
        nik = (request.args.get("nik") or "").replace(" ", "")
        seeker = error = None
        if nik:
            try:
                seeker = officer.call(self.pencaker.find_seeker, officer.region, nik)
            except ValidationFailed:
                error = "NIK harus 16 angka, dengan angka ke-7 sampai ke-12 tanggal lahir (HHBBTT)."
        return console_page("console/disnaker_ak1.html", officer, active="disnaker", nik=nik,
                            seeker=seeker, error=error, searched=bool(nik) and error is None)

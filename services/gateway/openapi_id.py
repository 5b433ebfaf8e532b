"""The API document's Indonesian face: one tag per domain, and an Indonesian summary per
operation (the English docstring stays as the operation's description).

A new route gets its tag from the module that defines it (TAGS, by module name) and needs
a line in SUMMARIES: tests/e2e/test_openapi.py fails for an operation without one.
"""

# tag name -> (Indonesian description, the route modules it covers)
TAGS = {
    "LAKSA (aspirasi)": ("Laporan warga: kirim, lacak, tindak lanjut petugas; kategori wilayah.",
                         ("aspirasi_api",)),
    "Open311 GeoReport v2": ("Antarmuka standar Open311 untuk aplikasi mitra (butuh api_key wilayah).",
                             ("open311",)),
    "Pencaker (Disnaker)": ("Pencari kerja (AK/1), pemberi kerja, lowongan dan lamaran.", ("pencaker_api",)),
    "Harga bahan pokok": ("Harga harian per pasar, perbandingan, riwayat, impor dan peringatan.",
                          ("prices_api",)),
    "Berita": ("Berita wilayah, ruang redaksi, sumber feed dan langganan; feed RSS/Atom.", ("news_api",)),
    "Wilayah dan platform": ("Daftar wilayah, tampilan langsung, akun, token, wilayah mitra, dokumen ini.",
                             ("service", "platform_api", "regions_api")),
    "Halaman warga": ("Halaman HTML untuk warga (tanpa JavaScript).", ("pages", "pencaker_pages")),
    "Konsol petugas": ("Halaman HTML untuk petugas di /petugas/ (masuk dengan sesi, token CSRF).",
                       ("console",)),
}

SUMMARIES = {
    # LAKSA
    "list_aspirasi": "Daftar laporan wilayah (status, kategori, halaman)",
    "submit_aspirasi": "Kirim laporan warga",
    "aspirasi_categories": "Kategori laporan wilayah dan OPD tujuannya",
    "set_aspirasi_category": "Atur kategori dan OPD tujuannya (admin wilayah)",
    "aspirasi_stats": "Statistik laporan wilayah atau satu OPD",
    "get_aspirasi": "Status dan riwayat satu laporan (tanpa data pribadi)",
    "get_aspirasi_details": "Kontak pelapor dan kemungkinan duplikat (petugas wilayahnya)",
    "transition_aspirasi": "Tindak lanjut laporan: verifikasi, teruskan, kerjakan, selesaikan, tolak",
    # Open311
    "open311_discovery": "Dokumen discovery Open311",
    "open311_services": "Daftar layanan (kategori) Open311",
    "open311_service": "Definisi satu layanan Open311",
    "open311_create": "Kirim laporan lewat Open311 (butuh api_key)",
    "open311_requests": "Daftar laporan Open311",
    "open311_request": "Satu laporan Open311",
    "open311_token": "Nomor laporan dari token Open311",
    # Pencaker
    "register_seeker": "Daftar kartu AK/1",
    "get_seeker": "Data pencari kerja (AK/1)",
    "update_seeker": "Ubah data pencari kerja",
    "report_seeker": "Lapor enam bulanan kartu AK/1",
    "seeker_applications": "Lamaran seorang pencari kerja",
    "seeker_matches": "Lowongan yang cocok untuk pencari kerja",
    "create_employer": "Daftarkan pemberi kerja",
    "get_employer": "Data pemberi kerja",
    "employer_vacancies": "Lowongan seorang pemberi kerja",
    "post_vacancy": "Pasang lowongan (tampil setelah diverifikasi Disnaker)",
    "search_vacancies": "Cari lowongan terbuka di wilayah",
    "pending_vacancies": "Lowongan menunggu verifikasi Disnaker",
    "vacancy_sources": "Wilayah asal lowongan yang ditampilkan",
    "set_vacancy_sources": "Pilih wilayah asal lowongan (admin wilayah)",
    "get_vacancy": "Satu lowongan",
    "vacancy_jsonld": "Lowongan sebagai JobPosting schema.org",
    "vacancy_matches": "Pencari kerja yang cocok untuk lowongan",
    "vacancy_applications": "Lamaran untuk satu lowongan",
    "apply_to_vacancy": "Lamar lowongan",
    "verify_vacancy": "Verifikasi lowongan (petugas Disnaker)",
    "reject_vacancy": "Tolak lowongan dengan alasan (petugas Disnaker)",
    "close_vacancy": "Tutup lowongan",
    "move_application": "Ubah status lamaran (wawancara, diterima, ditolak)",
    "withdraw_application": "Batalkan lamaran",
    # Harga
    "prices_catalogue": "Katalog komoditas, pasar dan harga acuan",
    "prices_region_board": "Papan harga hari ini se-wilayah",
    "prices_market_board": "Papan harga hari ini satu pasar",
    "prices_compare": "Bandingkan harga antarpasar",
    "prices_history": "Riwayat harga komoditas",
    "prices_alerts": "Peringatan harga hari ini",
    "record_prices": "Catat harga harian satu pasar (petugas)",
    "import_prices": "Impor harga dari CSV (petugas)",
    "price_record": "Satu harga tercatat dan koreksinya (petugas)",
    # Berita
    "news_categories": "Kategori berita",
    "list_news": "Berita terbaru wilayah",
    "get_news": "Satu berita terbit",
    "create_news": "Tulis draf berita (editor)",
    "update_news": "Ubah atau koreksi berita (editor)",
    "news_transition": "Ajukan, terbitkan, jadwalkan, arsipkan atau tarik berita",
    "newsroom": "Ruang redaksi: semua berita wilayah (editor)",
    "newsroom_article": "Satu berita di ruang redaksi dengan riwayatnya",
    "news_sources": "Sumber feed luar",
    "add_news_source": "Tambah sumber feed luar (editor)",
    "news_subscriptions": "Wilayah yang beritanya ikut ditampilkan",
    "set_news_subscriptions": "Pilih wilayah yang beritanya ikut ditampilkan",
    "rss_feed": "Feed RSS 2.0 berita wilayah",
    "atom_feed": "Feed Atom berita wilayah",
    "category_rss_feed": "Feed RSS 2.0 satu kategori",
    "category_atom_feed": "Feed Atom satu kategori",
    # Wilayah dan platform
    "list_regions": "Daftar wilayah",
    "region": "Satu wilayah",
    "live_view": "Tampilan langsung wilayah (berita, harga, lowongan, laporan)",
    "sign_in": "Tukar nama pengguna dan kata sandi dengan token",
    "create_account": "Buat akun (operator; admin wilayah untuk petugasnya)",
    "admin_regions": "Wilayah terdaftar dengan langganan dan antreannya (operator)",
    "onboard_region": "Daftarkan atau perbarui wilayah mitra (operator)",
    "resubscribe_region": "Ganti langganan wilayah mitra (operator)",
    "remove_region": "Hapus wilayah mitra (operator)",
    "openapi_document": "Dokumen OpenAPI ini",
    "api_browser": "Penjelajah API interaktif",
    "api_browser_asset": "Berkas penjelajah API",
    # Halaman warga
    "home_page": "Pilih wilayah",
    "favicon": "Ikon situs",
    "beranda_page": "Beranda wilayah",
    "lapor_page": "Formulir lapor",
    "lapor_submit": "Kirim formulir lapor",
    "lacak_page": "Cari laporan dengan nomornya",
    "ticket_page": "Status dan riwayat laporan",
    "harga_page": "Harga bahan pokok hari ini",
    "loker_page": "Lowongan kerja",
    "vacancy_page": "Satu lowongan",
    "vacancy_apply": "Lamar lowongan (pencari kerja yang masuk)",
    "berita_page": "Berita wilayah",
    "artikel_page": "Satu berita",
    "ak1_form": "Formulir daftar kartu AK/1",
    "ak1_register": "Daftar kartu AK/1",
    "ak1_sign_in_form": "Masuk dengan kartu AK/1",
    "ak1_sign_in": "Masuk dengan kartu AK/1 (kirim)",
    "ak1_sign_out": "Keluar",
    "ak1_card": "Kartu AK/1 dan lamaran",
    "ak1_report": "Lapor enam bulanan",
    # Konsol petugas
    "console_sign_in_form": "Formulir masuk petugas",
    "console_sign_in": "Masuk petugas (kirim)",
    "console_sign_out": "Keluar dari konsol",
    "console_home": "Beranda konsol",
    "console_queue": "Antrean LAKSA",
    "console_ticket": "Satu tiket LAKSA untuk petugas",
    "console_ticket_action": "Tindakan atas tiket LAKSA",
    "console_region": "Admin wilayah",
    "console_route_category": "Atur OPD tujuan kategori",
    "console_subscribe": "Atur langganan wilayah",
    "console_issue_key": "Buat kunci API Open311",
    "console_revoke_key": "Cabut kunci API Open311",
    "console_create_account": "Buat akun petugas",
    "console_change_account": "Nonaktifkan, aktifkan, atau ganti kata sandi akun petugas",
    "console_kinerja": "Kinerja LAKSA sebulan",
    "console_kinerja_csv": "Kinerja LAKSA sebulan (CSV)",
    "console_platform": "Operator platform: wilayah dan surat mati",
    "console_onboard": "Daftarkan wilayah",
    "console_dead_letters": "Surat mati satu antrean",
    "console_replay": "Putar ulang surat mati",
}


def tag_for(module, url):
    """The tag of a route defined in `module` (its last dotted part) at `url`."""
    if url.startswith("/open311/"):
        return "Open311 GeoReport v2"
    name = module.rsplit(".", 1)[-1]
    for tag, (_, modules) in TAGS.items():
        if any(name == m or name.startswith(m + "_") for m in modules):
            return tag
    return "Wilayah dan platform"

// Written by hand to match migrations/; keep the two in step.

diesel::table! {
    users (id) {
        id -> Int8,
        public_id -> Uuid,
        email -> Text,
        name -> Text,
        affiliation -> Text,
        bio -> Text,
        password_hash -> Text,
        email_verified_at -> Nullable<Timestamptz>,
        is_site_admin -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Bytea,
        user_id -> Int8,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    user_tokens (token_hash) {
        token_hash -> Bytea,
        user_id -> Int8,
        purpose -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Int8,
        token_hash -> Bytea,
        user_id -> Int8,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        public_id -> Uuid,
        name -> Text,
        scope -> Text,
        expires_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    rate_limits (key) {
        key -> Text,
        window_start -> Timestamptz,
        hits -> Int4,
    }
}

diesel::table! {
    outbox (id) {
        id -> Int8,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
        holds_secret -> Bool,
        attachment_name -> Nullable<Text>,
        attachment_type -> Nullable<Text>,
        attachment_body -> Nullable<Text>,
    }
}

diesel::table! {
    conferences (id) {
        id -> Int8,
        slug -> Text,
        name -> Text,
        venue -> Text,
        time_zone -> Text,
        starts_on -> Date,
        ends_on -> Date,
        attendance_cap -> Int4,
        currency -> Text,
        created_at -> Timestamptz,
        programme_published -> Bool,
        comp_passes_per_mc -> Int4,
        speaker_reminder_days -> Int4,
        conflict_by_affiliation -> Bool,
        co_location_id -> Nullable<Int8>,
    }
}

diesel::table! {
    co_locations (id) {
        id -> Int8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    conference_roles (conference_id, user_id, role) {
        conference_id -> Int8,
        user_id -> Int8,
        role -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    role_invitations (id) {
        id -> Int8,
        conference_id -> Int8,
        email -> Text,
        role -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    tracks (id) {
        id -> Int8,
        conference_id -> Int8,
        name -> Text,
        position -> Int4,
        hosted_by -> Nullable<Int8>,
        open_to -> Text,
    }
}

diesel::table! {
    microconferences (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        proposal_id -> Int8,
        title -> Text,
        description_md -> Text,
        track_id -> Nullable<Int8>,
        budget_minutes -> Int4,
        latest_topic_close -> Timestamptz,
        created_at -> Timestamptz,
        comp_passes -> Int4,
    }
}

diesel::table! {
    microconference_leads (microconference_id, user_id) {
        microconference_id -> Int8,
        user_id -> Int8,
    }
}

diesel::table! {
    calls (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        kind -> Text,
        microconference_id -> Nullable<Int8>,
        title -> Text,
        description_md -> Text,
        opens_at -> Timestamptz,
        closes_at -> Timestamptz,
        max_per_person -> Int4,
        title_max -> Int4,
        abstract_max -> Int4,
        created_at -> Timestamptz,
        review_opens_at -> Nullable<Timestamptz>,
        review_closes_at -> Nullable<Timestamptz>,
        score_min -> Int4,
        score_max -> Int4,
        score_labels -> Text,
        anonymised -> Bool,
        reviews_visibility -> Text,
        reviews_wanted -> Int4,
    }
}

diesel::table! {
    proposals (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        call_id -> Int8,
        submitter_id -> Int8,
        state -> Text,
        title -> Text,
        abstract_md -> Text,
        track_id -> Nullable<Int8>,
        duration_minutes -> Nullable<Int4>,
        key_people -> Text,
        expected_attendance -> Nullable<Int4>,
        position -> Nullable<Int4>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        submitted_at -> Nullable<Timestamptz>,
        decision_note -> Text,
        decision_released_at -> Nullable<Timestamptz>,
        review_scores -> Array<Int4>,
    }
}

diesel::table! {
    /// A view (migration 2026-11-30-000020): proposals as the public and their
    /// own proposers may see them. An unreleased decision reads "submitted", with
    /// no note and no position; a released topic's position is its place among
    /// the released topics of its MC. Every public or proposer-facing read uses it.
    proposals_disclosed (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        call_id -> Int8,
        submitter_id -> Int8,
        state -> Text,
        title -> Text,
        abstract_md -> Text,
        track_id -> Nullable<Int8>,
        duration_minutes -> Nullable<Int4>,
        key_people -> Text,
        expected_attendance -> Nullable<Int4>,
        position -> Nullable<Int4>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        submitted_at -> Nullable<Timestamptz>,
        decision_note -> Text,
        decision_released_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    proposal_topics (id) {
        id -> Int8,
        proposal_id -> Int8,
        position -> Int4,
        title -> Text,
        description -> Text,
    }
}

diesel::table! {
    proposal_people (id) {
        id -> Int8,
        proposal_id -> Int8,
        email -> Text,
        user_id -> Nullable<Int8>,
        status -> Text,
        invite_token_hash -> Bytea,
        created_at -> Timestamptz,
        responded_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    committee_members (id) {
        id -> Int8,
        conference_id -> Int8,
        email -> Text,
        user_id -> Nullable<Int8>,
        status -> Text,
        invite_token_hash -> Bytea,
        call_ids -> Array<Int8>,
        track_ids -> Array<Int8>,
        created_at -> Timestamptz,
        reminded_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    reviews (id) {
        id -> Int8,
        proposal_id -> Int8,
        reviewer_id -> Int8,
        score -> Int4,
        comment -> Text,
        note_to_proposer -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    review_preferences (proposal_id, user_id) {
        proposal_id -> Int8,
        user_id -> Int8,
        preference -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    review_assignments (proposal_id, reviewer_id) {
        proposal_id -> Int8,
        reviewer_id -> Int8,
        source -> Text,
        assigned_by -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    review_criteria (id) {
        id -> Int8,
        call_id -> Int8,
        position -> Int4,
        name -> Text,
        weight -> Int4,
    }
}

diesel::table! {
    review_criterion_scores (review_id, criterion_id) {
        review_id -> Int8,
        criterion_id -> Int8,
        score -> Int4,
    }
}

diesel::table! {
    unconference_sessions (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        proposer_id -> Int8,
        title -> Text,
        description -> Text,
        minutes -> Int4,
        needs -> Array<Text>,
        created_at -> Timestamptz,
        booking_id -> Nullable<Int8>,
    }
}

diesel::table! {
    unconference_autoplan (conference_id) {
        conference_id -> Int8,
        enabled -> Bool,
        run_at -> Time,
        move_notice_minutes -> Nullable<Int4>,
        last_run_on -> Nullable<Date>,
        last_summary -> Text,
        updated_by -> Nullable<Int8>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    unconference_interest (session_id, user_id) {
        session_id -> Int8,
        user_id -> Int8,
        level -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    review_conflicts (proposal_id, user_id) {
        proposal_id -> Int8,
        user_id -> Int8,
        source -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    notification_templates (conference_id, decision) {
        conference_id -> Int8,
        decision -> Text,
        subject -> Text,
        body -> Text,
    }
}

diesel::table! {
    registration_settings (conference_id) {
        conference_id -> Int8,
        opens_at -> Nullable<Timestamptz>,
        closes_at -> Nullable<Timestamptz>,
        offer_hours -> Int4,
        updated_at -> Timestamptz,
        seats_taken -> Int4,
        waiting -> Int4,
        hold_hours -> Int4,
    }
}

diesel::table! {
    ticket_types (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        name -> Text,
        description -> Text,
        requires_code -> Bool,
        created_at -> Timestamptz,
        bank_transfer -> Bool,
        for_registrants_of -> Nullable<Int8>,
    }
}

diesel::table! {
    fee_tiers (id) {
        id -> Int8,
        public_id -> Uuid,
        ticket_type_id -> Int8,
        label -> Text,
        amount_minor -> Int8,
        currency -> Text,
        valid -> Tstzrange,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    comp_codes (id) {
        id -> Int8,
        conference_id -> Int8,
        ticket_type_id -> Int8,
        code -> Text,
        label -> Nullable<Text>,
        created_at -> Timestamptz,
        used_by -> Nullable<Int8>,
        used_at -> Nullable<Timestamptz>,
        microconference_id -> Nullable<Int8>,
    }
}

diesel::table! {
    registrations (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        user_id -> Int8,
        ticket_type_id -> Int8,
        fee_tier_id -> Nullable<Int8>,
        tier_label -> Text,
        fee_minor -> Int8,
        currency -> Text,
        comp_code_id -> Nullable<Int8>,
        status -> Text,
        badge_name -> Text,
        affiliation -> Text,
        dietary -> Text,
        accessibility -> Text,
        public_listing -> Bool,
        payment_status -> Text,
        payment_reference -> Text,
        paid_at -> Nullable<Timestamptz>,
        refunded_at -> Nullable<Timestamptz>,
        waitlisted_at -> Nullable<Timestamptz>,
        offer_expires_at -> Nullable<Timestamptz>,
        confirmed_at -> Nullable<Timestamptz>,
        cancelled_at -> Nullable<Timestamptz>,
        checked_in_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        hold_expires_at -> Nullable<Timestamptz>,
        invoiced_at -> Nullable<Timestamptz>,
        amount_paid_minor -> Int8,
        amount_refunded_minor -> Int8,
        payment_method -> Nullable<Text>,
        transfer_reference -> Nullable<Text>,
    }
}

diesel::table! {
    rooms (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        name -> Text,
        capacity -> Int4,
        equipment -> Text,
        location -> Text,
        bookable -> Bool,
        position -> Int4,
        created_at -> Timestamptz,
        open_to -> Text,
    }
}

diesel::table! {
    room_booking_settings (conference_id) {
        conference_id -> Int8,
        slot_minutes -> Int4,
        max_booking_minutes -> Int4,
        opens_days_before -> Nullable<Int4>,
        max_per_person_day -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    room_booking_hours (conference_id, day) {
        conference_id -> Int8,
        day -> Date,
        opens -> Time,
        closes -> Time,
    }
}

diesel::table! {
    room_bookings (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        room_id -> Int8,
        user_id -> Int8,
        kind -> Text,
        title -> Text,
        description -> Text,
        proposal_id -> Nullable<Int8>,
        during -> Tstzrange,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        cancelled_at -> Nullable<Timestamptz>,
        cancelled_by -> Nullable<Int8>,
        schedule_item_id -> Nullable<Int8>,
    }
}

diesel::table! {
    schedule_items (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        kind -> Text,
        proposal_id -> Nullable<Int8>,
        title -> Text,
        abstract_md -> Text,
        speakers -> Text,
        track_id -> Nullable<Int8>,
        room_id -> Nullable<Int8>,
        starts_at -> Nullable<Timestamptz>,
        ends_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    schedule_versions (id) {
        id -> Int8,
        conference_id -> Int8,
        version -> Int4,
        published_at -> Timestamptz,
        published_by -> Nullable<Int8>,
        snapshot -> Jsonb,
        changes -> Jsonb,
    }
}

diesel::table! {
    named_speakers (id) {
        id -> Int8,
        conference_id -> Int8,
        name -> Text,
        guid -> Uuid,
    }
}

diesel::table! {
    schedule_stars (user_id, session_guid) {
        user_id -> Int8,
        conference_id -> Int8,
        session_guid -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    payment_settings (conference_id) {
        conference_id -> Int8,
        legal_name -> Text,
        address -> Text,
        tax_id -> Text,
        bank_details -> Text,
        last_receipt_number -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    mailings (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        form_key -> Uuid,
        audience -> Text,
        subject -> Text,
        body -> Text,
        sent_by -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    mailing_messages (mailing_id, outbox_id) {
        mailing_id -> Int8,
        outbox_id -> Int8,
        user_id -> Nullable<Int8>,
    }
}

diesel::table! {
    speaker_confirmations (id) {
        id -> Int8,
        proposal_id -> Int8,
        user_id -> Int8,
        state -> Text,
        asked_at -> Timestamptz,
        reminded_at -> Nullable<Timestamptz>,
        reminders -> Int4,
        responded_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    schedule_moves (id) {
        id -> Int8,
        conference_id -> Int8,
        item_id -> Int8,
        user_id -> Int8,
        room_id -> Nullable<Int8>,
        starts_at -> Nullable<Timestamptz>,
        ends_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    receipts (registration_id) {
        registration_id -> Int8,
        conference_id -> Int8,
        number -> Int4,
        issued_at -> Timestamptz,
    }
}

diesel::table! {
    payment_flags (id) {
        id -> Int8,
        registration_id -> Int8,
        note -> Text,
        created_at -> Timestamptz,
        cleared_at -> Nullable<Timestamptz>,
        cleared_by -> Nullable<Int8>,
    }
}

diesel::table! {
    checkout_sessions (id) {
        id -> Int8,
        registration_id -> Int8,
        stripe_id -> Text,
        url -> Text,
        amount_minor -> Int8,
        currency -> Text,
        idempotency_key -> Text,
        expires_at -> Timestamptz,
        state -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    stripe_events (event_id) {
        event_id -> Text,
        kind -> Text,
        received_at -> Timestamptz,
    }
}

diesel::table! {
    refunds (id) {
        id -> Int8,
        public_id -> Uuid,
        registration_id -> Int8,
        payment_intent -> Text,
        amount_minor -> Int8,
        currency -> Text,
        reason -> Text,
        state -> Text,
        stripe_refund_id -> Nullable<Text>,
        idempotency_key -> Text,
        attempts -> Int4,
        last_error -> Text,
        requested_by -> Nullable<Int8>,
        created_at -> Timestamptz,
        settled_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    bank_lines (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        line_key -> Text,
        booked_on -> Date,
        amount_minor -> Int8,
        currency -> Text,
        reference -> Text,
        payer -> Text,
        registration_id -> Nullable<Int8>,
        confirmed_at -> Nullable<Timestamptz>,
        confirmed_by -> Nullable<Int8>,
        imported_at -> Timestamptz,
    }
}

diesel::table! {
    mc_ideas (id) {
        id -> Int8,
        public_id -> Uuid,
        conference_id -> Int8,
        author_id -> Int8,
        title -> Text,
        description -> Text,
        topics -> Array<Text>,
        merged_into -> Nullable<Int8>,
        merged_at -> Nullable<Timestamptz>,
        proposal_id -> Nullable<Int8>,
        hidden_at -> Nullable<Timestamptz>,
        hidden_by -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    mc_idea_supporters (idea_id, user_id) {
        idea_id -> Int8,
        user_id -> Int8,
        leads -> Bool,
        note -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    mc_idea_comments (id) {
        id -> Int8,
        public_id -> Uuid,
        idea_id -> Int8,
        author_id -> Int8,
        body -> Text,
        hidden_at -> Nullable<Timestamptz>,
        hidden_by -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(registration_settings -> conferences (conference_id));
diesel::joinable!(ticket_types -> conferences (conference_id));
diesel::joinable!(fee_tiers -> ticket_types (ticket_type_id));
diesel::joinable!(comp_codes -> ticket_types (ticket_type_id));
diesel::joinable!(registrations -> ticket_types (ticket_type_id));
diesel::joinable!(registrations -> users (user_id));
diesel::joinable!(checkout_sessions -> registrations (registration_id));
diesel::joinable!(refunds -> registrations (registration_id));
diesel::joinable!(receipts -> registrations (registration_id));
diesel::joinable!(mailing_messages -> mailings (mailing_id));
diesel::joinable!(mailing_messages -> outbox (outbox_id));
diesel::joinable!(speaker_confirmations -> users (user_id));
diesel::joinable!(speaker_confirmations -> proposals (proposal_id));
diesel::joinable!(payment_flags -> registrations (registration_id));
diesel::joinable!(bank_lines -> registrations (registration_id));
diesel::joinable!(registrations -> conferences (conference_id));
diesel::joinable!(reviews -> proposals (proposal_id));
diesel::joinable!(reviews -> users (reviewer_id));
diesel::joinable!(review_conflicts -> proposals (proposal_id));
diesel::joinable!(committee_members -> conferences (conference_id));
diesel::joinable!(committee_members -> users (user_id));
diesel::joinable!(review_conflicts -> users (user_id));
diesel::joinable!(tracks -> conferences (conference_id));
diesel::joinable!(calls -> conferences (conference_id));
diesel::joinable!(proposals -> calls (call_id));
diesel::joinable!(proposals -> users (submitter_id));
diesel::joinable!(proposals -> tracks (track_id));
diesel::joinable!(proposals_disclosed -> calls (call_id));
diesel::joinable!(proposals_disclosed -> users (submitter_id));
diesel::joinable!(proposals_disclosed -> tracks (track_id));
diesel::joinable!(proposal_topics -> proposals (proposal_id));
diesel::joinable!(proposal_people -> proposals (proposal_id));
diesel::joinable!(microconference_leads -> microconferences (microconference_id));
diesel::joinable!(microconference_leads -> users (user_id));
diesel::joinable!(user_tokens -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(conference_roles -> users (user_id));
diesel::joinable!(conference_roles -> conferences (conference_id));
diesel::joinable!(role_invitations -> conferences (conference_id));
diesel::joinable!(rooms -> conferences (conference_id));
diesel::joinable!(room_booking_settings -> conferences (conference_id));
diesel::joinable!(room_booking_hours -> conferences (conference_id));
diesel::joinable!(room_bookings -> rooms (room_id));
diesel::joinable!(room_bookings -> users (user_id));
diesel::joinable!(room_bookings -> conferences (conference_id));
diesel::joinable!(room_bookings -> proposals (proposal_id));

diesel::joinable!(review_preferences -> proposals (proposal_id));
diesel::joinable!(review_preferences -> users (user_id));
diesel::joinable!(review_assignments -> proposals (proposal_id));
diesel::joinable!(review_assignments -> users (reviewer_id));

diesel::joinable!(review_criteria -> calls (call_id));
diesel::joinable!(review_criterion_scores -> reviews (review_id));
diesel::joinable!(review_criterion_scores -> review_criteria (criterion_id));

diesel::joinable!(unconference_sessions -> users (proposer_id));
diesel::joinable!(unconference_interest -> unconference_sessions (session_id));
diesel::joinable!(unconference_interest -> users (user_id));
diesel::joinable!(unconference_autoplan -> conferences (conference_id));

diesel::joinable!(mc_ideas -> conferences (conference_id));
diesel::joinable!(mc_ideas -> proposals (proposal_id));
diesel::joinable!(mc_idea_supporters -> mc_ideas (idea_id));
diesel::joinable!(mc_idea_supporters -> users (user_id));
diesel::joinable!(mc_idea_comments -> mc_ideas (idea_id));
diesel::joinable!(mc_idea_comments -> users (author_id));
diesel::joinable!(mc_ideas -> users (author_id));

diesel::allow_tables_to_appear_in_same_query!(
    co_locations,
    mc_ideas,
    mc_idea_supporters,
    mc_idea_comments,
    unconference_autoplan,
    unconference_sessions,
    unconference_interest,
    review_criteria,
    review_criterion_scores,
    review_preferences,
    review_assignments,
    users,
    sessions,
    user_tokens,
    api_tokens,
    rate_limits,
    outbox,
    conferences,
    conference_roles,
    role_invitations,
    tracks,
    microconferences,
    microconference_leads,
    calls,
    proposals,
    proposals_disclosed,
    proposal_topics,
    proposal_people,
    committee_members,
    reviews,
    review_conflicts,
    notification_templates,
    registration_settings,
    ticket_types,
    fee_tiers,
    comp_codes,
    registrations,
    rooms,
    room_booking_settings,
    room_booking_hours,
    room_bookings,
    payment_settings,
    schedule_moves,
    speaker_confirmations,
    mailings,
    mailing_messages,
    receipts,
    payment_flags,
    checkout_sessions,
    stripe_events,
    refunds,
    bank_lines,
);

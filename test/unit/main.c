/*
 * The unit-test runner and THE list of unit tests.
 *
 *	build/unit-tests		run them all
 *	build/unit-tests --list		print their names
 *	build/unit-tests NAME...	run only those
 *
 * Exit status 0 iff nothing failed.  test/test_unit.py runs each test as a
 * pytest case.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "panic.h"
#include "unit.h"

/* The tests, defined in test_<module>.c. */
/* test_fmt.c */
void fmt_matches_libc_for_integers_flags_width_and_precision(void);
void fmt_length_modifiers_read_the_right_argument_size(void);
void fmt_prints_strings_chars_and_percent(void);
void fmt_pointer_prints_0x_and_16_hex_digits(void);
void fmt_star_width_and_precision_follow_c_rules(void);
void fmt_truncates_and_returns_the_full_length(void);
void fmt_unknown_conversion_is_shown_not_skipped(void);
/* test_libfomos.c */
void libfomos_snprintf_matches_libc_for_a_table_of_formats(void);
void libfomos_snprintf_prints_null_and_pointers_its_own_way(void);
void libfomos_strtol_and_strtoul_match_libc(void);
void libfomos_qsort_sorts_like_libc_on_random_arrays(void);
void libfomos_string_functions_match_libc(void);
void libfomos_ctype_matches_libc_for_every_byte_and_eof(void);
void libfomos_malloc_sits_on_the_context_with_a_size_header(void);
void libfomos_drawing_never_writes_outside_the_surface(void);
void libfomos_text_draws_with_the_builtin_font(void);
/* test_cfg.c */
void cfg_defaults_zero_everything(void);
void cfg_resume_no_turns_resuming_off(void);
void cfg_sets_resolution_and_fault_with_spaces_comments_and_crlf(void);
void cfg_garbled_line_is_reported_and_rest_applies(void);
void cfg_unknown_key_is_reported_with_its_line_number(void);
void cfg_line_without_equals_is_reported(void);
void cfg_bad_resolution_is_reported_and_the_old_one_kept(void);
void cfg_fault_kind_is_stored_and_bad_ones_rejected(void);
void cfg_overlong_line_is_reported_and_ignored(void);
void cfg_never_reads_past_len(void);
void cfg_works_without_a_report_callback(void);
void cfg_random_bytes_give_only_well_formed_messages(void);
void cfg_network_addresses_are_parsed_and_bad_ones_reported(void);
/* test_pmm.c */
void pmm_frees_only_usable_ram_and_keeps_its_bitmap_out(void);
void pmm_never_hands_out_page_zero(void);
void pmm_keeps_its_bitmap_out_of_the_first_mib(void);
void pmm_allocates_contiguous_runs_across_bitmap_words(void);
void pmm_random_alloc_free_agrees_with_a_simple_model(void);
void pmm_release_type_frees_boot_services_memory(void);
void pmm_double_free_panics(void);
void pmm_free_outside_the_map_panics(void);
void pmm_init_fails_without_room_for_the_bitmap(void);
void pmm_second_init_fully_resets(void);
void pmm_alloc_of_zero_or_too_many_pages_returns_zero(void);
/* test_heap.c */
void heap_blocks_are_16_byte_aligned_and_do_not_overlap(void);
void heap_coalesces_neighbours_so_a_large_block_fits_again(void);
void heap_double_free_is_reported_not_followed(void);
void heap_bad_pointers_are_reported_not_followed(void);
void heap_calloc_zeroes_and_rejects_overflow(void);
void heap_used_and_size_stay_accurate(void);
void heap_splits_only_when_the_rest_can_hold_a_block(void);
void heap_alloc_zero_gives_a_freeable_block(void);
void heap_huge_requests_fail_cleanly(void);
void heap_add_rejects_tiny_overlapping_and_excess_regions(void);
void heap_contiguous_regions_merge_so_blocks_span_them(void);
void heap_random_alloc_free_keeps_every_block_intact(void);
void heap_a_free_list_bent_into_a_loop_ends_the_walk(void);
void heap_free_link_forged_to_point_outside_is_never_followed(void);
void heap_forged_sizes_that_overflow_or_overlap_are_refused(void);
/* test_aml.c */
void aml_finds_s5_in_real_shaped_dsdt(void);
void aml_reads_every_integer_encoding(void);
void aml_handles_multi_byte_pkglength(void);
void aml_skips_s5_that_is_not_a_definition(void);
void aml_rejects_truncated_and_malformed_packages(void);
void aml_random_bytes_stay_in_bounds(void);
/* test_font.c */
void font_loads_the_embedded_terminus_font(void);
void font_maps_ascii_and_latin1_codepoints(void);
void font_unmapped_codepoint_falls_back_to_question_mark(void);
void font_rejects_truncated_and_garbage_input(void);
void font_loads_psf2_with_utf8_table(void);
void font_psf2_lying_header_is_refused(void);
void font_without_table_maps_codepoint_to_glyph_index(void);
/* test_memmap.c */
void memmap_walks_by_descriptor_size_not_sizeof(void);
void memmap_maps_every_efi_type_to_a_kernel_type(void);
void memmap_sorts_by_base_and_merges_adjacent_same_type(void);
void memmap_skips_empty_and_overflowing_descriptors(void);
void memmap_too_small_descriptor_size_returns_nothing(void);
void memmap_drops_only_the_highest_regions_when_full(void);
/* test_appfile.c */
void appfile_accepts_a_well_formed_app_and_relocates_its_pointers(void);
void appfile_accepts_apps_at_every_boundary_the_format_allows(void);
void appfile_file_shorter_than_the_header_is_refused(void);
void appfile_wrong_magic_is_refused(void);
void appfile_unknown_format_is_refused(void);
void appfile_wrpkru_anywhere_in_the_code_is_refused(void);
void appfile_context_version_0_or_newer_than_the_kernel_is_refused(void);
void appfile_file_size_must_be_the_real_size(void);
void appfile_memory_size_below_the_file_or_over_the_limit_is_refused(void);
void appfile_unaligned_or_disordered_sections_are_refused(void);
void appfile_entry_outside_the_code_is_refused(void);
void appfile_relocation_table_outside_the_file_is_refused(void);
void appfile_relocation_other_than_relative_is_refused(void);
void appfile_relocation_writing_outside_the_data_is_refused(void);
void appfile_relocation_pointing_outside_the_image_is_refused(void);
void appfile_name_missing_or_unterminated_is_refused(void);
void appfile_relocation_table_in_writable_data_is_refused(void);
void appfile_reason_fits_the_callers_buffer(void);
void appfile_checks_stay_inside_files_cut_at_every_length(void);
void appfile_random_damage_is_refused_or_stays_in_the_image(void);
void appfile_hello_built_by_the_sdk_is_accepted(void);
void appfile_sdk_pointer_tables_are_relocated_for_the_home(void);
/* test_abi.c */
void abi_v1_fields_have_not_moved(void);
void abi_structs_only_grow(void);
void abi_v2_fields_have_not_moved(void);
void abi_one_place_says_the_context_version(void);
/* test_initfile.c */
void init_lists_apps_in_order_with_their_options(void);
void init_run_args_split_the_name_from_its_options(void);
void init_skips_comments_and_blank_lines_and_reads_crlf_and_tabs(void);
void init_last_line_needs_no_newline(void);
void init_quota_takes_k_m_g_suffixes_from_4k_to_1984m(void);
void init_quota_too_big_for_64_bits_is_refused_not_wrapped(void);
void init_unknown_option_skips_the_line_and_later_lines_still_parse(void);
void init_name_longer_than_31_characters_is_refused(void);
void init_name_with_bad_characters_is_refused(void);
void init_control_bytes_are_not_text(void);
void init_more_apps_than_fit_are_reported_not_written(void);
void init_long_lines_are_reported_and_the_next_line_still_parses(void);
void init_reports_count_lines_from_one_including_blank_and_comment_lines(void);
void init_works_without_a_report_callback(void);
void init_never_reads_past_len(void);
void app_opts_parse_reads_the_run_commands_options(void);
void init_new_options_default_to_the_least_an_app_may_do(void);
void init_admin_disk_and_spawn_parse_on_an_init_line(void);
void init_disk_takes_sizes_from_0_to_4g_and_refuses_the_rest(void);
void init_spawn_takes_a_count_from_0_to_1024_and_refuses_the_rest(void);
void init_bad_new_options_skip_the_line_with_a_clear_report(void);
void init_run_args_take_admin_disk_and_spawn(void);
void init_random_bytes_give_only_valid_entries_and_reports(void);
/* test_compose.c */
void compose_blend_matches_rounded_arithmetic_for_every_alpha(void);
void compose_later_layers_draw_on_top(void);
void compose_opaque_layers_are_copied_verbatim(void);
void compose_background_shows_where_no_layer_covers(void);
void compose_writes_only_inside_the_requested_rectangle(void);
void compose_layers_are_clipped_at_the_screen_edges(void);
void compose_empty_or_offscreen_rectangle_writes_nothing(void);
void compose_only_a_layers_content_is_drawn(void);
void compose_content_past_the_layer_edge_still_gets_background(void);
void compose_random_scenes_match_the_reference(void);
void compose_many_overlapping_opaque_windows_match_the_reference(void);
void compose_clip_union_and_empty_do_rectangle_arithmetic(void);

/* test_keymap.c, test_serin.c, test_input.c */
void keymap_by_name_knows_us_and_fr_only(void);
void keymap_us_types_letters_digits_and_punctuation(void);
void keymap_us_shift_gives_capitals_and_symbols(void);
void keymap_us_caps_lock_capitalizes_letters_only(void);
void keymap_fr_digit_row_needs_shift(void);
void keymap_fr_letters_and_punctuation_are_azerty(void);
void keymap_fr_altgr_types_the_third_level(void);
void keymap_us_right_alt_types_plain_keys(void);
void keymap_fr_caps_lock_capitalizes_letters_and_accented_keys(void);
void keymap_fr_dead_circumflex_and_diaeresis_accent_the_next_letter(void);
void keymap_fr_dead_key_then_space_or_itself_types_the_accent(void);
void keymap_fr_dead_key_before_a_key_without_that_accent_is_dropped(void);
void keymap_ctrl_letters_give_control_codes_on_both_layouts(void);
void keymap_releases_type_nothing_and_end_their_modifier(void);
void keymap_enter_backspace_tab_escape_and_space_on_both_layouts(void);
void keymap_init_forgets_everything_and_unknown_layouts_are_us(void);
void serin_letters_digits_and_space_become_us_key_taps(void);
void serin_capitals_and_shifted_symbols_hold_left_shift(void);
void serin_every_printable_ascii_types_itself_through_the_us_keymap(void);
void serin_utf8_characters_of_2_3_and_4_bytes_become_code_0_keys(void);
void serin_malformed_utf8_is_dropped_and_the_next_character_survives(void);
void serin_cr_lf_and_crlf_are_each_one_enter(void);
void serin_backspace_del_and_tab_become_their_keys(void);
void serin_control_bytes_become_ctrl_and_a_key(void);
void serin_arrow_sequences_become_arrow_keys(void);
void serin_home_end_insert_delete_and_page_sequences_become_their_keys(void);
void serin_unknown_escape_sequences_are_swallowed_whole(void);
void serin_escape_then_another_byte_is_the_escape_key_then_that_byte(void);
void serin_lone_escape_becomes_the_escape_key_when_the_line_goes_quiet(void);
void serin_random_bytes_give_only_paired_well_formed_key_events(void);
void input_init_zeroes_everything_and_centres_the_pointer(void);
void input_key_press_repeat_and_release_set_keys_and_queue_events(void);
void input_key_codes_past_the_table_and_bad_values_are_ignored(void);
void input_ring_keeps_the_latest_256_events_and_counts_all(void);
void input_a_cursor_past_the_count_starts_again_from_the_first_event(void);
void input_renumber_goes_on_from_the_saved_count_keeping_what_was_queued(void);
void input_buttons_set_their_bit_and_key_while_held(void);
void input_move_queues_the_raw_delta_per_axis_that_moved(void);
void input_pointer_is_clamped_at_all_four_edges(void);
void input_screen_keeps_the_pointer_inside_and_tells_every_app(void);
void input_warp_queues_the_motion_it_amounts_to(void);
void input_wheel_queues_its_clicks(void);
/* test_wm.c */
void wm_bands_never_interleave_whatever_the_order_of_adds(void);
void wm_stack_refuses_the_layer_past_its_capacity(void);
void wm_hit_skips_nofocus_transparent_and_outside_pixels(void);
void wm_click_raises_what_it_lands_on_and_only_that(void);
void wm_band_follows_the_window_flags(void);

void init_budget_and_restart_options_parse_and_bad_budgets_are_refused(void);
/* test_snapshot.c */
void snapshot_round_trip_gives_back_every_app_field_and_region_byte(void);
void snapshot_sum_is_the_same_however_the_bytes_are_split(void);
void snapshot_cut_at_every_length_is_refused_as_truncated(void);
void snapshot_every_single_bit_flip_is_refused(void);
void snapshot_refusals_say_what_is_wrong(void);
void snapshot_writer_refuses_apps_and_regions_the_reader_would_refuse(void);
void snapshot_load_takes_the_newest_valid_slot_and_save_the_other_even_across_wrap(void);
void snapshot_power_cut_during_a_save_leaves_the_previous_snapshot_loadable(void);
void snapshot_saved_by_version_1_still_resumes_with_default_new_options(void);
void snapshot_header_version_must_match_its_records(void);
void snapshot_version_2_reads_as_input_count_0_and_refuses_a_count(void);
/* test_fat.c */
void fat_mounts_a_fresh_volume_and_counts_its_free_space(void);
void fat_long_names_round_trip_with_checksum_and_a_unique_short_name(void);
void fat_folder_grows_past_one_cluster_with_many_files(void);
void fat_file_grows_over_many_clusters_and_reads_back(void);
void fat_delete_frees_clusters_for_reuse_and_refuses_full_folders(void);
void fat_writes_data_then_fat_then_folder_entries(void);
void fat_nosync_writes_batch_into_one_ordered_sync(void);
void fat_freed_clusters_are_reused_only_once_the_fat_frees_them_on_disk(void);
void fat_appends_in_many_calls_do_not_walk_the_chain_again(void);
void fat_corrupt_boot_sectors_are_refused_with_a_reason(void);
void fat_chain_loops_and_wild_clusters_are_reported_not_followed(void);
void fat_finds_volumes_raw_and_in_mbr_and_gpt_partitions(void);
void fat_read_only_volume_reads_but_refuses_writes(void);
void fpath_turns_app_paths_into_their_data_folder(void);
void fpath_refuses_escapes_and_names_fat_forbids(void);
/* test_appmem.c */
void appmem_grows_the_arena_on_demand_and_stops_at_the_quota(void);
void appmem_refuses_foreign_and_double_frees_with_a_reason(void);
void appmem_forged_free_list_never_reaches_kernel_memory(void);
void appmem_forged_size_that_overflows_is_refused(void);
/* test_exec.c */
void exec_app_range_takes_only_the_apps_mapped_parts_and_never_wraps(void);
void exec_hostile_pointers_end_the_app_at_once_and_the_others_go_on(void);
void exec_file_refuses_wild_requests_and_buffers_with_badarg(void);
void exec_a_bad_free_ends_the_call_at_once(void);
void exec_system_returns_the_full_length_and_cuts_to_cap(void);
void exec_system_refuses_unknown_and_overlong_commands_with_notfound(void);
void exec_ended_apps_are_freed_and_ps_shows_the_latest(void);
void exec_return_values_yield_sleep_and_end(void);
void exec_context_is_fresh_at_every_call_and_store_survives(void);
void exec_context_store_and_input_live_in_the_apps_home(void);
void exec_log_lines_are_escaped_tagged_split_and_never_glued(void);
void exec_system_without_admin_runs_only_what_concerns_the_app(void);
void exec_spawn_caps_the_apps_an_apps_line_may_run(void);
void exec_input_keys_reach_only_the_focused_app(void);

void exec_faults_and_overruns_end_the_app_with_the_kernels_words(void);
void exec_restart_brings_a_faulting_app_back_with_a_growing_delay(void);
void exec_an_apps_folder_is_named_by_its_file_and_held_by_one_app(void);
void exec_file_buffers_given_back_while_pending_are_never_touched(void);
void exec_file_requests_are_checked_when_queued(void);
void exec_file_on_a_read_only_disk_takes_reads_and_refuses_writes(void);
void exec_file_write_over_the_disk_cap_fails_with_nospace_and_changes_nothing(void);
void exec_file_replace_that_shrinks_is_allowed_at_the_disk_cap(void);
void exec_file_disk_0_refuses_every_write_but_reads_and_deletes(void);
void exec_file_a_folder_too_big_to_walk_counts_as_full(void);
/* test_gpu.c */
void gpu_without_a_gpu_every_service_answers_notsup(void);
void gpu_resource_and_submit_check_every_pointer_size_and_kind(void);
void gpu_ids_are_per_app_never_reused_and_32_at_most(void);
void gpu_memory_counts_in_the_apps_quota(void);
void gpu_show_reads_back_once_the_gpu_is_done_and_counts_frames(void);
void gpu_an_app_that_faults_loses_its_context_and_resources(void);
void gpu_a_resumed_app_gets_gone_until_it_opens_again(void);
/* test_share.c */
void share_publish_checks_names_functions_and_names_taken(void);
void share_calls_check_pointers_copy_buffers_and_pass_regions_as_they_are(void);
void share_a_provider_faulting_in_a_call_ends_alone_and_then_answers_gone(void);
void share_regions_are_seen_only_by_grantees_and_revoking_closes_them(void);
/* test_shell.c */
void shell_help_lists_the_common_commands_then_the_platforms(void);
void shell_unknown_commands_and_bad_arguments_get_one_line(void);
void shell_run_ps_and_kill_manage_apps(void);
void shell_log_shows_the_latest_log(void);
void lineedit_edits_a_line_and_crlf_is_one_enter(void);
void term_belongs_to_the_first_reader_until_it_ends(void);
/* test_virtq.c */
void virtq_places_rings_where_the_device_expects_them(void);
void virtq_request_chains_are_seen_by_the_device_only_after_publish(void);
void virtq_completions_return_cookies_and_free_every_descriptor(void);
void virtq_survives_thousands_of_requests_and_index_wraparound(void);
void virtq_ignores_a_device_reply_naming_no_request(void);
void virtq_notifies_only_when_the_device_asks(void);

#define T(fn)	{ #fn, fn }

/* Every unit test, in the order they run. */
static const struct unit_test {
	const char *name;
	void (*fn)(void);
} tests[] = {
	T(fmt_matches_libc_for_integers_flags_width_and_precision),
	T(fmt_length_modifiers_read_the_right_argument_size),
	T(fmt_prints_strings_chars_and_percent),
	T(fmt_pointer_prints_0x_and_16_hex_digits),
	T(fmt_star_width_and_precision_follow_c_rules),
	T(fmt_truncates_and_returns_the_full_length),
	T(fmt_unknown_conversion_is_shown_not_skipped),
	T(libfomos_snprintf_matches_libc_for_a_table_of_formats),
	T(libfomos_snprintf_prints_null_and_pointers_its_own_way),
	T(libfomos_strtol_and_strtoul_match_libc),
	T(libfomos_qsort_sorts_like_libc_on_random_arrays),
	T(libfomos_string_functions_match_libc),
	T(libfomos_ctype_matches_libc_for_every_byte_and_eof),
	T(libfomos_malloc_sits_on_the_context_with_a_size_header),
	T(libfomos_drawing_never_writes_outside_the_surface),
	T(libfomos_text_draws_with_the_builtin_font),
	T(cfg_defaults_zero_everything),
	T(cfg_resume_no_turns_resuming_off),
	T(cfg_sets_resolution_and_fault_with_spaces_comments_and_crlf),
	T(cfg_garbled_line_is_reported_and_rest_applies),
	T(cfg_unknown_key_is_reported_with_its_line_number),
	T(cfg_line_without_equals_is_reported),
	T(cfg_bad_resolution_is_reported_and_the_old_one_kept),
	T(cfg_fault_kind_is_stored_and_bad_ones_rejected),
	T(cfg_overlong_line_is_reported_and_ignored),
	T(cfg_never_reads_past_len),
	T(cfg_works_without_a_report_callback),
	T(cfg_random_bytes_give_only_well_formed_messages),
	T(cfg_network_addresses_are_parsed_and_bad_ones_reported),
	T(pmm_frees_only_usable_ram_and_keeps_its_bitmap_out),
	T(pmm_never_hands_out_page_zero),
	T(pmm_keeps_its_bitmap_out_of_the_first_mib),
	T(pmm_allocates_contiguous_runs_across_bitmap_words),
	T(pmm_random_alloc_free_agrees_with_a_simple_model),
	T(pmm_release_type_frees_boot_services_memory),
	T(pmm_double_free_panics),
	T(pmm_free_outside_the_map_panics),
	T(pmm_init_fails_without_room_for_the_bitmap),
	T(pmm_second_init_fully_resets),
	T(pmm_alloc_of_zero_or_too_many_pages_returns_zero),
	T(heap_blocks_are_16_byte_aligned_and_do_not_overlap),
	T(heap_coalesces_neighbours_so_a_large_block_fits_again),
	T(heap_double_free_is_reported_not_followed),
	T(heap_bad_pointers_are_reported_not_followed),
	T(heap_calloc_zeroes_and_rejects_overflow),
	T(heap_used_and_size_stay_accurate),
	T(heap_splits_only_when_the_rest_can_hold_a_block),
	T(heap_alloc_zero_gives_a_freeable_block),
	T(heap_huge_requests_fail_cleanly),
	T(heap_add_rejects_tiny_overlapping_and_excess_regions),
	T(heap_contiguous_regions_merge_so_blocks_span_them),
	T(heap_random_alloc_free_keeps_every_block_intact),
	T(heap_a_free_list_bent_into_a_loop_ends_the_walk),
	T(heap_free_link_forged_to_point_outside_is_never_followed),
	T(heap_forged_sizes_that_overflow_or_overlap_are_refused),
	T(aml_finds_s5_in_real_shaped_dsdt),
	T(aml_reads_every_integer_encoding),
	T(aml_handles_multi_byte_pkglength),
	T(aml_skips_s5_that_is_not_a_definition),
	T(aml_rejects_truncated_and_malformed_packages),
	T(aml_random_bytes_stay_in_bounds),
	T(font_loads_the_embedded_terminus_font),
	T(font_maps_ascii_and_latin1_codepoints),
	T(font_unmapped_codepoint_falls_back_to_question_mark),
	T(font_rejects_truncated_and_garbage_input),
	T(font_loads_psf2_with_utf8_table),
	T(font_psf2_lying_header_is_refused),
	T(font_without_table_maps_codepoint_to_glyph_index),
	T(memmap_walks_by_descriptor_size_not_sizeof),
	T(memmap_maps_every_efi_type_to_a_kernel_type),
	T(memmap_sorts_by_base_and_merges_adjacent_same_type),
	T(memmap_skips_empty_and_overflowing_descriptors),
	T(memmap_too_small_descriptor_size_returns_nothing),
	T(memmap_drops_only_the_highest_regions_when_full),
	T(appfile_accepts_a_well_formed_app_and_relocates_its_pointers),
	T(appfile_accepts_apps_at_every_boundary_the_format_allows),
	T(appfile_file_shorter_than_the_header_is_refused),
	T(appfile_wrong_magic_is_refused),
	T(appfile_unknown_format_is_refused),
	T(appfile_wrpkru_anywhere_in_the_code_is_refused),
	T(appfile_context_version_0_or_newer_than_the_kernel_is_refused),
	T(appfile_file_size_must_be_the_real_size),
	T(appfile_memory_size_below_the_file_or_over_the_limit_is_refused),
	T(appfile_unaligned_or_disordered_sections_are_refused),
	T(appfile_entry_outside_the_code_is_refused),
	T(appfile_relocation_table_outside_the_file_is_refused),
	T(appfile_relocation_other_than_relative_is_refused),
	T(appfile_relocation_writing_outside_the_data_is_refused),
	T(appfile_relocation_pointing_outside_the_image_is_refused),
	T(appfile_name_missing_or_unterminated_is_refused),
	T(appfile_relocation_table_in_writable_data_is_refused),
	T(appfile_reason_fits_the_callers_buffer),
	T(appfile_checks_stay_inside_files_cut_at_every_length),
	T(appfile_random_damage_is_refused_or_stays_in_the_image),
	T(appfile_hello_built_by_the_sdk_is_accepted),
	T(appfile_sdk_pointer_tables_are_relocated_for_the_home),
	T(abi_v1_fields_have_not_moved),
	T(abi_structs_only_grow),
	T(abi_v2_fields_have_not_moved),
	T(abi_one_place_says_the_context_version),
	T(init_lists_apps_in_order_with_their_options),
	T(init_run_args_split_the_name_from_its_options),
	T(init_skips_comments_and_blank_lines_and_reads_crlf_and_tabs),
	T(init_last_line_needs_no_newline),
	T(init_quota_takes_k_m_g_suffixes_from_4k_to_1984m),
	T(init_quota_too_big_for_64_bits_is_refused_not_wrapped),
	T(init_unknown_option_skips_the_line_and_later_lines_still_parse),
	T(init_name_longer_than_31_characters_is_refused),
	T(init_name_with_bad_characters_is_refused),
	T(init_control_bytes_are_not_text),
	T(init_more_apps_than_fit_are_reported_not_written),
	T(init_long_lines_are_reported_and_the_next_line_still_parses),
	T(init_reports_count_lines_from_one_including_blank_and_comment_lines),
	T(init_works_without_a_report_callback),
	T(init_never_reads_past_len),
	T(app_opts_parse_reads_the_run_commands_options),
	T(init_new_options_default_to_the_least_an_app_may_do),
	T(init_admin_disk_and_spawn_parse_on_an_init_line),
	T(init_disk_takes_sizes_from_0_to_4g_and_refuses_the_rest),
	T(init_spawn_takes_a_count_from_0_to_1024_and_refuses_the_rest),
	T(init_bad_new_options_skip_the_line_with_a_clear_report),
	T(init_run_args_take_admin_disk_and_spawn),
	T(init_random_bytes_give_only_valid_entries_and_reports),
	T(compose_blend_matches_rounded_arithmetic_for_every_alpha),
	T(compose_later_layers_draw_on_top),
	T(compose_opaque_layers_are_copied_verbatim),
	T(compose_background_shows_where_no_layer_covers),
	T(compose_writes_only_inside_the_requested_rectangle),
	T(compose_layers_are_clipped_at_the_screen_edges),
	T(compose_empty_or_offscreen_rectangle_writes_nothing),
	T(compose_only_a_layers_content_is_drawn),
	T(compose_content_past_the_layer_edge_still_gets_background),
	T(compose_random_scenes_match_the_reference),
	T(compose_many_overlapping_opaque_windows_match_the_reference),
	T(compose_clip_union_and_empty_do_rectangle_arithmetic),
	T(exec_app_range_takes_only_the_apps_mapped_parts_and_never_wraps),
	T(exec_hostile_pointers_end_the_app_at_once_and_the_others_go_on),
	T(exec_file_refuses_wild_requests_and_buffers_with_badarg),
	T(exec_a_bad_free_ends_the_call_at_once),
	T(exec_system_returns_the_full_length_and_cuts_to_cap),
	T(exec_system_refuses_unknown_and_overlong_commands_with_notfound),
	T(exec_ended_apps_are_freed_and_ps_shows_the_latest),
	T(exec_return_values_yield_sleep_and_end),
	T(exec_context_is_fresh_at_every_call_and_store_survives),
	T(exec_context_store_and_input_live_in_the_apps_home),
	T(exec_log_lines_are_escaped_tagged_split_and_never_glued),
	T(exec_system_without_admin_runs_only_what_concerns_the_app),
	T(exec_spawn_caps_the_apps_an_apps_line_may_run),
	T(exec_input_keys_reach_only_the_focused_app),

	T(exec_faults_and_overruns_end_the_app_with_the_kernels_words),
	T(exec_restart_brings_a_faulting_app_back_with_a_growing_delay),
	T(exec_an_apps_folder_is_named_by_its_file_and_held_by_one_app),
	T(exec_file_buffers_given_back_while_pending_are_never_touched),
	T(exec_file_requests_are_checked_when_queued),
	T(exec_file_on_a_read_only_disk_takes_reads_and_refuses_writes),
	T(exec_file_write_over_the_disk_cap_fails_with_nospace_and_changes_nothing),
	T(exec_file_replace_that_shrinks_is_allowed_at_the_disk_cap),
	T(exec_file_disk_0_refuses_every_write_but_reads_and_deletes),
	T(exec_file_a_folder_too_big_to_walk_counts_as_full),
	T(gpu_without_a_gpu_every_service_answers_notsup),
	T(gpu_resource_and_submit_check_every_pointer_size_and_kind),
	T(gpu_ids_are_per_app_never_reused_and_32_at_most),
	T(gpu_memory_counts_in_the_apps_quota),
	T(gpu_show_reads_back_once_the_gpu_is_done_and_counts_frames),
	T(gpu_an_app_that_faults_loses_its_context_and_resources),
	T(gpu_a_resumed_app_gets_gone_until_it_opens_again),
	T(share_publish_checks_names_functions_and_names_taken),
	T(share_calls_check_pointers_copy_buffers_and_pass_regions_as_they_are),
	T(share_a_provider_faulting_in_a_call_ends_alone_and_then_answers_gone),
	T(share_regions_are_seen_only_by_grantees_and_revoking_closes_them),
	T(shell_help_lists_the_common_commands_then_the_platforms),
	T(shell_unknown_commands_and_bad_arguments_get_one_line),
	T(shell_run_ps_and_kill_manage_apps),
	T(shell_log_shows_the_latest_log),
	T(lineedit_edits_a_line_and_crlf_is_one_enter),
	T(term_belongs_to_the_first_reader_until_it_ends),
	T(virtq_places_rings_where_the_device_expects_them),
	T(virtq_request_chains_are_seen_by_the_device_only_after_publish),
	T(virtq_completions_return_cookies_and_free_every_descriptor),
	T(virtq_survives_thousands_of_requests_and_index_wraparound),
	T(virtq_ignores_a_device_reply_naming_no_request),
	T(virtq_notifies_only_when_the_device_asks),
	T(keymap_by_name_knows_us_and_fr_only),
	T(keymap_us_types_letters_digits_and_punctuation),
	T(keymap_us_shift_gives_capitals_and_symbols),
	T(keymap_us_caps_lock_capitalizes_letters_only),
	T(keymap_fr_digit_row_needs_shift),
	T(keymap_fr_letters_and_punctuation_are_azerty),
	T(keymap_fr_altgr_types_the_third_level),
	T(keymap_us_right_alt_types_plain_keys),
	T(keymap_fr_caps_lock_capitalizes_letters_and_accented_keys),
	T(keymap_fr_dead_circumflex_and_diaeresis_accent_the_next_letter),
	T(keymap_fr_dead_key_then_space_or_itself_types_the_accent),
	T(keymap_fr_dead_key_before_a_key_without_that_accent_is_dropped),
	T(keymap_ctrl_letters_give_control_codes_on_both_layouts),
	T(keymap_releases_type_nothing_and_end_their_modifier),
	T(keymap_enter_backspace_tab_escape_and_space_on_both_layouts),
	T(keymap_init_forgets_everything_and_unknown_layouts_are_us),
	T(serin_letters_digits_and_space_become_us_key_taps),
	T(serin_capitals_and_shifted_symbols_hold_left_shift),
	T(serin_every_printable_ascii_types_itself_through_the_us_keymap),
	T(serin_utf8_characters_of_2_3_and_4_bytes_become_code_0_keys),
	T(serin_malformed_utf8_is_dropped_and_the_next_character_survives),
	T(serin_cr_lf_and_crlf_are_each_one_enter),
	T(serin_backspace_del_and_tab_become_their_keys),
	T(serin_control_bytes_become_ctrl_and_a_key),
	T(serin_arrow_sequences_become_arrow_keys),
	T(serin_home_end_insert_delete_and_page_sequences_become_their_keys),
	T(serin_unknown_escape_sequences_are_swallowed_whole),
	T(serin_escape_then_another_byte_is_the_escape_key_then_that_byte),
	T(serin_lone_escape_becomes_the_escape_key_when_the_line_goes_quiet),
	T(serin_random_bytes_give_only_paired_well_formed_key_events),
	T(input_init_zeroes_everything_and_centres_the_pointer),
	T(input_key_press_repeat_and_release_set_keys_and_queue_events),
	T(input_key_codes_past_the_table_and_bad_values_are_ignored),
	T(input_ring_keeps_the_latest_256_events_and_counts_all),
	T(input_a_cursor_past_the_count_starts_again_from_the_first_event),
	T(input_renumber_goes_on_from_the_saved_count_keeping_what_was_queued),
	T(input_buttons_set_their_bit_and_key_while_held),
	T(input_move_queues_the_raw_delta_per_axis_that_moved),
	T(input_pointer_is_clamped_at_all_four_edges),
	T(input_screen_keeps_the_pointer_inside_and_tells_every_app),
	T(input_warp_queues_the_motion_it_amounts_to),
	T(input_wheel_queues_its_clicks),
	T(wm_bands_never_interleave_whatever_the_order_of_adds),
	T(wm_stack_refuses_the_layer_past_its_capacity),
	T(wm_hit_skips_nofocus_transparent_and_outside_pixels),
	T(wm_click_raises_what_it_lands_on_and_only_that),
	T(wm_band_follows_the_window_flags),
	T(init_budget_and_restart_options_parse_and_bad_budgets_are_refused),
	T(appmem_grows_the_arena_on_demand_and_stops_at_the_quota),
	T(appmem_refuses_foreign_and_double_frees_with_a_reason),
	T(appmem_forged_free_list_never_reaches_kernel_memory),
	T(appmem_forged_size_that_overflows_is_refused),
	T(snapshot_round_trip_gives_back_every_app_field_and_region_byte),
	T(snapshot_sum_is_the_same_however_the_bytes_are_split),
	T(snapshot_cut_at_every_length_is_refused_as_truncated),
	T(snapshot_every_single_bit_flip_is_refused),
	T(snapshot_refusals_say_what_is_wrong),
	T(snapshot_writer_refuses_apps_and_regions_the_reader_would_refuse),
	T(snapshot_load_takes_the_newest_valid_slot_and_save_the_other_even_across_wrap),
	T(snapshot_power_cut_during_a_save_leaves_the_previous_snapshot_loadable),
	T(snapshot_saved_by_version_1_still_resumes_with_default_new_options),
	T(snapshot_header_version_must_match_its_records),
	T(snapshot_version_2_reads_as_input_count_0_and_refuses_a_count),
	T(fat_mounts_a_fresh_volume_and_counts_its_free_space),
	T(fat_long_names_round_trip_with_checksum_and_a_unique_short_name),
	T(fat_folder_grows_past_one_cluster_with_many_files),
	T(fat_file_grows_over_many_clusters_and_reads_back),
	T(fat_delete_frees_clusters_for_reuse_and_refuses_full_folders),
	T(fat_writes_data_then_fat_then_folder_entries),
	T(fat_nosync_writes_batch_into_one_ordered_sync),
	T(fat_freed_clusters_are_reused_only_once_the_fat_frees_them_on_disk),
	T(fat_appends_in_many_calls_do_not_walk_the_chain_again),
	T(fat_corrupt_boot_sectors_are_refused_with_a_reason),
	T(fat_chain_loops_and_wild_clusters_are_reported_not_followed),
	T(fat_finds_volumes_raw_and_in_mbr_and_gpt_partitions),
	T(fat_read_only_volume_reads_but_refuses_writes),
	T(fpath_turns_app_paths_into_their_data_folder),
	T(fpath_refuses_escapes_and_names_fat_forbids),
};

jmp_buf *unit_panic_catch;
char unit_panic_msg[512];

static jmp_buf test_abort;	/* an unexpected panic ends the test here */
static int test_failures;	/* failed checks in the running test */

void
unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("  %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	test_failures++;
}

/* The kernel's panic, for the modules under test: it never returns. */
void
panic(const char *fmt, ...)
{
	va_list ap;
	jmp_buf *catch = unit_panic_catch;

	va_start(ap, fmt);
	vsnprintf(unit_panic_msg, sizeof(unit_panic_msg), fmt, ap);
	va_end(ap);
	unit_panic_catch = NULL;
	if (catch != NULL)
		longjmp(*catch, 1);
	printf("  unexpected panic: %s\n", unit_panic_msg);
	test_failures++;
	longjmp(test_abort, 1);
}

const char *
unit_build_dir(void)
{
	static char dir[PATH_MAX];
	ssize_t n;
	char *slash;

	if (dir[0] != '\0')
		return dir;
	n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	if (n <= 0) {
		strcpy(dir, "build");
		return dir;
	}
	dir[n] = '\0';
	slash = strrchr(dir, '/');
	if (slash != NULL)
		*slash = '\0';
	return dir;
}

/* Returns 1 if the test failed. */
static int
run(const struct unit_test *t)
{
	test_failures = 0;
	unit_panic_catch = NULL;
	if (setjmp(test_abort) == 0)
		t->fn();
	printf("%s %s\n", test_failures == 0 ? "ok  " : "FAIL", t->name);
	fflush(stdout);
	return test_failures != 0;
}

int
main(int argc, char **argv)
{
	size_t i, ntests = sizeof(tests) / sizeof(tests[0]);
	int passed = 0, failed = 0, a;

	/* Lines of failed checks must come out above their FAIL line even
	 * when stdout is a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (i = 0; i < ntests; i++)
			printf("%s\n", tests[i].name);
		return 0;
	}
	if (argc == 1) {
		for (i = 0; i < ntests; i++)
			run(&tests[i]) ? failed++ : passed++;
	}
	for (a = 1; a < argc; a++) {
		for (i = 0; i < ntests && strcmp(tests[i].name, argv[a]) != 0; i++)
			;
		if (i == ntests) {
			printf("FAIL %s: no such test\n", argv[a]);
			failed++;
			continue;
		}
		run(&tests[i]) ? failed++ : passed++;
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}

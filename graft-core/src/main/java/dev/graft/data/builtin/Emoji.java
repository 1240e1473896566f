package dev.graft.data.builtin;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One emoji class of the {@code emoji-*} data sets: its names, keywords and labels at the three
 * levels, as stored one per line in {@code emoji.jsonl}.
 *
 * @param unified code points in hex joined by '-', e.g. {@code 1F600} (emoji-datasource's {@code unified})
 * @param name English name (emojibase's CLDR label), e.g. "grinning face"; unique, the emoji-level class name
 * @param shortNames emoji-datasource's short names, e.g. [grinning]
 * @param keywords English keywords (emojibase's CLDR tags)
 * @param koreanName Korean name (emojibase-data ko), or "" where it has none
 * @param koreanKeywords Korean keywords, possibly empty
 * @param category one of the 10 categories, e.g. "Smileys &amp; Emotion"
 * @param subcategory one of the subcategories, e.g. "face-smiling"
 * @param sortOrder emoji-datasource's {@code sort_order}, which fixes the seen/unseen split
 * @param tile this emoji's 64x64 tile in {@code images.png} (row-major), or -1 where the style has no image
 */
public record Emoji(
        @JsonProperty("unified") String unified,
        @JsonProperty("name") String name,
        @JsonProperty("short_names") List<String> shortNames,
        @JsonProperty("keywords") List<String> keywords,
        @JsonProperty("korean_name") String koreanName,
        @JsonProperty("korean_keywords") List<String> koreanKeywords,
        @JsonProperty("category") String category,
        @JsonProperty("subcategory") String subcategory,
        @JsonProperty("sort_order") int sortOrder,
        @JsonProperty("tile") int tile) {

    /** Whether this emoji is in the fixed unseen (held-out) class split: {@code sort_order % 5 == 0}. */
    public boolean unseen() {
        return EmojiDataset.isUnseen(sortOrder);
    }

    /** Its label at {@code level}: the name, subcategory or category. */
    public String label(EmojiDataset.Level level) {
        return switch (level) {
            case EMOJI -> name;
            case SUBCATEGORY -> subcategory;
            case CATEGORY -> category;
        };
    }
}

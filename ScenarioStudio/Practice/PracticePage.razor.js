// Voice input through the browser's speech recognition, where the browser offers it.
export function speechSupported() {
    return !!(window.SpeechRecognition || window.webkitSpeechRecognition);
}

export function listen(dotnet, lang) {
    const Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
    if (!Recognition) return false;
    const recognition = new Recognition();
    recognition.lang = lang || 'en-GB';
    recognition.interimResults = false;
    recognition.maxAlternatives = 1;
    recognition.onresult = e => dotnet.invokeMethodAsync('OnSpeech', e.results[0][0].transcript);
    recognition.onerror = e => dotnet.invokeMethodAsync('OnSpeechError', e.error || 'error');
    recognition.onend = () => dotnet.invokeMethodAsync('OnSpeechEnd');
    recognition.start();
    return true;
}

// Keeps the end of the conversation and the answer box in view while the conversation grows (a message streaming
// in, a new message), as chat apps do; once the learner scrolls up to read, the page stays where they put it until
// they scroll back down to the end. `toEnd` starts the page at the end (the learner's own session in progress).
// Reading back is recognised from the learner's own input (wheel, touch, keys), never from scroll positions alone:
// scroll events arrive a frame late and the page grows and shrinks while a message streams and is saved, which on a
// busy machine read as the learner scrolling up and left the newest message out of view.
export function follow(column, toEnd) {
    const margin = 16;
    const gap = () => column.getBoundingClientRect().bottom - window.innerHeight;
    const scrollBy = top => window.scrollBy({ top, behavior: 'instant' });
    let following = true, touchY = 0;
    const readBack = () => { following = false; };
    window.addEventListener('wheel', e => { if (e.deltaY < 0) readBack(); }, { passive: true });
    window.addEventListener('touchstart', e => { touchY = e.touches[0].clientY; }, { passive: true });
    window.addEventListener('touchmove', e => { if (e.touches[0].clientY > touchY + 10) readBack(); }, { passive: true });
    window.addEventListener('keydown', e => { if (['PageUp', 'ArrowUp', 'Home'].includes(e.key) && !e.target.closest('textarea, input')) readBack(); });
    window.addEventListener('scroll', () => { if (gap() <= 3 * margin) following = true; }, { passive: true });
    new ResizeObserver(() => {
        const g = gap();
        if (following && g > 0) scrollBy(g + margin);
    }).observe(column);
    if (toEnd && gap() > 0) scrollBy(gap() + margin);
    following = gap() <= 3 * margin;
}
